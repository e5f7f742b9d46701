// Types of templateEngine.js (plain JavaScript so that the preview's worker thread can load it as it is).

export declare class TemplateError extends Error {}

export interface EngineSettings {
  locale: string;
  /** IANA zone of the store: times read as the customer's clock reads them. */
  timeZone: string;
}

export declare function renderText(text: string, variables: Record<string, unknown>, settings: EngineSettings): string;

export declare function renderTemplate(source: { subject: string; body: string }, variables: Record<string, unknown>, settings: EngineSettings): { subject: string; body: string };
