// Page text of the reception pages: [zh-CN, English].
export const RECEPTION_TEXT: Record<string, [zh: string, en: string]> = {};
