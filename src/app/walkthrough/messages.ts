import type { Catalog } from '../i18n';

type Key =
  | 'title'
  | 'regionLabel'
  | 'intro'
  | 'noSteps'
  | 'start'
  | 'restart'
  | 'next'
  | 'nextRuns'
  | 'back'
  | 'counter'
  | 'counterIdle'
  | 'counterLabel'
  | 'predictToggle'
  | 'score'
  | 'scoreNone'
  | 'client'
  | 'server'
  | 'at'
  | 'stateTitle'
  | 'stateAsking'
  | 'rtxTitle'
  | 'dropTitle'
  | 'errorTitle'
  | 'eofTitle'
  | 'timerTitle'
  | 'ccTitle'
  | 'phase_slow-start'
  | 'phase_avoidance'
  | 'phase_fast-recovery'
  | 'phase_rto-recovery'
  | 'windowClosedTitle'
  | 'windowOpenedTitle'
  | 'timer_rtx'
  | 'timer_timeWait'
  | 'timer_finWait2'
  | 'timer_delack'
  | 'event'
  | 'question'
  | 'choicesLabel'
  | 'stay'
  | 'goTo'
  | 'skip'
  | 'right'
  | 'wrong'
  | 'yourAnswer'
  | 'sources'
  | 'before'
  | 'end'
  | 'coverage'
  | 'statesSeen'
  | 'transitionsSeen'
  | 'thisRun'
  | 'seen'
  | 'notSeen'
  | 'showTransitions'
  | 'resetCoverage'
  | 'coverageHint';

export const messages = {
  en: {
    title: 'Walkthrough',
    regionLabel: 'Guided walkthrough of the run',
    intro:
      'Step through the moments that matter in this run — state changes, lost and retransmitted segments, errors, end of stream, timers — with what each one means.',
    noSteps:
      'Nothing to walk through yet: open a scenario, or make something happen (listen, connect).',
    start: 'Start walkthrough',
    restart: 'Start over',
    next: 'Next',
    nextRuns: 'Next (runs the simulation on)',
    back: 'Back',
    counter: '{i} / {n}',
    counterIdle: '– / {n}',
    counterLabel: 'Step {i} of {n}',
    predictToggle: 'Ask me to predict state changes',
    score: 'Score: {right} / {asked}',
    scoreNone: 'Score: no predictions yet',
    client: 'Client',
    server: 'Server',
    at: 't = {t}',
    stateTitle: '{from} → {to}',
    stateAsking: '{from} → ?',
    rtxTitle: 'sends its {seg} again',
    dropTitle: '{seg} dropped',
    errorTitle: '{call}() → -1 {errno}',
    eofTitle: 'recv() → 0, end of stream',
    timerTitle: '{timer} timer fired',
    ccTitle: '{from} → {to}',
    'phase_slow-start': 'slow start',
    phase_avoidance: 'congestion avoidance',
    'phase_fast-recovery': 'fast recovery',
    'phase_rto-recovery': 'RTO recovery',
    windowClosedTitle: 'offers a zero window',
    windowOpenedTitle: 'opens its window again',
    timer_rtx: 'retransmission',
    timer_timeWait: 'TIME_WAIT',
    timer_finWait2: 'FIN_WAIT_2',
    timer_delack: 'delayed-ACK',
    event: 'Event:',
    question: 'What will the {side}’s state be next?',
    choicesLabel: 'Possible next states',
    stay: 'stay in {state}',
    goTo: '{state}',
    skip: 'Just show me',
    right: '✓ Right: it went to {state}.',
    wrong: '✗ Not quite: it went to {state}.',
    yourAnswer: 'You answered: {answer}.',
    sources: 'Sources',
    before: 'Press Next to go to the first step.',
    end: 'End of the walkthrough: nothing more happens in this run.',
    coverage: 'Coverage',
    statesSeen: 'States seen: {n} / {total}',
    transitionsSeen: 'Transitions seen: {n} / {total}',
    thisRun: '(this run: {n})',
    seen: 'seen',
    notSeen: 'not seen yet',
    showTransitions: 'Show the transitions',
    resetCoverage: 'Reset coverage',
    coverageHint: 'Counted over every run in this browser, up to the cursor.',
  },
  zh: {
    title: '讲解',
    regionLabel: '本次运行的分步讲解',
    intro:
      '逐步查看本次运行中的关键时刻——状态变化、丢失与重传的报文段、错误、数据流结束、计时器到期——并了解每一步的含义。',
    noSteps: '暂时没有可讲解的内容：请先打开一个场景，或进行一些操作（listen、connect）。',
    start: '开始讲解',
    restart: '从头开始',
    next: '下一步',
    nextRuns: '下一步（继续运行模拟）',
    back: '上一步',
    counter: '{i} / {n}',
    counterIdle: '– / {n}',
    counterLabel: '第 {i} 步，共 {n} 步',
    predictToggle: '让我先预测状态变化',
    score: '得分：{right} / {asked}',
    scoreNone: '得分：尚未作答',
    client: '客户端',
    server: '服务器',
    at: 't = {t}',
    stateTitle: '{from} → {to}',
    stateAsking: '{from} → ?',
    rtxTitle: '重发 {seg}',
    dropTitle: '{seg} 被丢弃',
    errorTitle: '{call}() → -1 {errno}',
    eofTitle: 'recv() → 0，数据流结束',
    timerTitle: '{timer}计时器到期',
    ccTitle: '{from} → {to}',
    'phase_slow-start': '慢启动',
    phase_avoidance: '拥塞避免',
    'phase_fast-recovery': '快速恢复',
    'phase_rto-recovery': 'RTO 恢复',
    windowClosedTitle: '通告零窗口',
    windowOpenedTitle: '重新打开窗口',
    timer_rtx: '重传',
    timer_timeWait: 'TIME_WAIT ',
    timer_finWait2: 'FIN_WAIT_2 ',
    timer_delack: '延迟 ACK ',
    event: '事件：',
    question: '{side}接下来会进入什么状态？',
    choicesLabel: '可能的下一个状态',
    stay: '停留在 {state}',
    goTo: '{state}',
    skip: '直接告诉我',
    right: '✓ 答对了：它进入了 {state}。',
    wrong: '✗ 不太对：它进入的是 {state}。',
    yourAnswer: '你的答案：{answer}。',
    sources: '出处',
    before: '按“下一步”进入第一步。',
    end: '讲解结束：本次运行之后再没有发生什么。',
    coverage: '覆盖情况',
    statesSeen: '已见状态：{n} / {total}',
    transitionsSeen: '已见转换：{n} / {total}',
    thisRun: '（本次运行：{n}）',
    seen: '已见',
    notSeen: '尚未见到',
    showTransitions: '显示各个转换',
    resetCoverage: '重置覆盖情况',
    coverageHint: '统计本浏览器中所有运行（截至光标处）的结果。',
  },
} satisfies Catalog<Key>;
