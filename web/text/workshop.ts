// Page text of the workshop pages: [zh-CN, English].
export const WORKSHOP_TEXT: Record<string, [zh: string, en: string]> = {};
