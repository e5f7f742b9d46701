// Page text of the forms pages: [zh-CN, English].
export const FORMS_TEXT: Record<string, [zh: string, en: string]> = {};
