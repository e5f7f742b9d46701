// Page text of the registration pages: [zh-CN, English].
export const REGISTRATION_TEXT: Record<string, [zh: string, en: string]> = {};
