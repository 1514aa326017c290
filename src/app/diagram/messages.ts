import type { Catalog } from '../i18n';

type Key =
  | 'title'
  | 'client'
  | 'server'
  | 'summary'
  | 'noConnection'
  | 'diagramLabel'
  | 'edgeLabel'
  | 'edgeTitle'
  | 'nodeLabel'
  | 'nodeHere'
  | 'nodeSelf'
  | 'nodeNoSelf'
  | 'selfCount'
  | 'staysIn'
  | 'lastChange'
  | 'legendTitle'
  | 'legendMain'
  | 'legendOther'
  | 'legendSelf'
  | 'legendHint'
  | 'selfHeading'
  | 'stateHeading'
  | 'transitionsHeading';

export const messages = {
  en: {
    title: 'State diagram',
    client: 'Client',
    server: 'Server',
    summary: '{client}; {server}.',
    noConnection: '{side}: no connection (CLOSED)',
    diagramLabel: 'TCP state diagram. {summary}',
    edgeLabel: '{from} to {to}: {labels}',
    edgeTitle: '{from} → {to}',
    nodeLabel: '{state}. {here}{self}',
    nodeHere: '{who} in this state. ',
    nodeSelf: '{n} transitions stay in this state: {labels}',
    nodeNoSelf: 'No transition stays in this state.',
    selfCount: '↻ {n}',
    staysIn: 'Stays in {state}',
    lastChange: '{side}: {state}',
    legendTitle: 'Legend',
    legendMain: 'RFC 9293 Figure 5',
    legendOther: 'resets, aborts, timeouts',
    legendSelf: '↻ n: transitions that stay in the state',
    legendHint: 'Hover or focus an arrow or a state to read its transitions.',
    selfHeading: 'Transitions that stay in a state',
    stateHeading: 'State',
    transitionsHeading: 'Transitions',
  },
  zh: {
    title: '状态图',
    client: '客户端',
    server: '服务器',
    summary: '{client}；{server}。',
    noConnection: '{side}：没有连接（CLOSED）',
    diagramLabel: 'TCP 状态图。{summary}',
    edgeLabel: '从 {from} 到 {to}：{labels}',
    edgeTitle: '{from} → {to}',
    nodeLabel: '{state}。{here}{self}',
    nodeHere: '{who}处于此状态。',
    nodeSelf: '{n} 个转换停留在此状态：{labels}',
    nodeNoSelf: '没有停留在此状态的转换。',
    selfCount: '↻ {n}',
    staysIn: '停留在 {state}',
    lastChange: '{side}：{state}',
    legendTitle: '图例',
    legendMain: 'RFC 9293 图 5',
    legendOther: '复位、中止、超时',
    legendSelf: '↻ n：停留在该状态的转换数',
    legendHint: '将鼠标悬停在箭头或状态上（或用键盘聚焦）即可查看其转换。',
    selfHeading: '停留在同一状态的转换',
    stateHeading: '状态',
    transitionsHeading: '转换',
  },
} satisfies Catalog<Key>;
