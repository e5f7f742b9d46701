// Page text of the slots pages: [zh-CN, English].
export const SLOTS_TEXT: Record<string, [zh: string, en: string]> = {};
