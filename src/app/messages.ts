import type { Catalog } from './i18n';

/** Strings of the app shell. */
export const messages = {
  en: {
    title: 'TCP Playground',
    tagline: 'Watch TCP work: RFC 9293 endpoints over a lossy link, in virtual time.',
    language: 'Language',
    theme: 'Theme',
    themeSystem: 'System',
    themeLight: 'Light',
    themeDark: 'Dark',
    client: 'Client',
    server: 'Server',
    views: 'Views',
    tabEndpoints: 'Endpoints',
    tabTimeline: 'Timeline',
    tabDiagram: 'State diagram',
    tabInspector: 'Header',
    inspectorTitle: 'Header inspector',
    inspectorEmpty: 'Select a segment on the timeline to see its headers and bytes.',
    inspectorHidden:
      'This segment is part of the exercise: its header shows once you have checked your answers.',
  },
  zh: {
    title: 'TCP 演练场',
    tagline: '观察 TCP 如何工作：RFC 9293 端点经由有损链路通信，运行在虚拟时间中。',
    language: '语言',
    theme: '主题',
    themeSystem: '跟随系统',
    themeLight: '浅色',
    themeDark: '深色',
    client: '客户端',
    server: '服务器',
    views: '视图',
    tabEndpoints: '端点',
    tabTimeline: '时序图',
    tabDiagram: '状态图',
    tabInspector: '首部',
    inspectorTitle: '首部查看器',
    inspectorEmpty: '在时序图上选择一个报文段，即可查看它的首部和字节。',
    inspectorHidden: '这个报文段属于练习：核对答案之后才会显示它的首部。',
  },
} satisfies Catalog<string>;
