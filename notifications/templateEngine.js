// The Handlebars engine of message templates: strict mode (a variable the data lacks is an error, never a
// blank), no HTML escaping, and the helpers the templates use. Plain JavaScript on purpose: the preview's
// worker thread (previewWorker.js) loads this very module without a TypeScript loader, which a worker
// thread does not inherit under every runner (jest), so a preview renders exactly as the sender does.
// notifications/templates.ts is the typed face of it (templateEngine.d.ts declares it).
'use strict';
const Handlebars = require('handlebars');

class TemplateError extends Error {}

const hbs = Handlebars.create();

// Frames of #each copy their parent's data, so the settings reach helpers at any depth.
function settingsOf(options) {
  return options.data.settings;
}

function instantOf(value, helper) {
  const date = new Date(String(value).length === 10 ? `${value}T12:00:00Z` : String(value));
  if (typeof value !== 'string' || Number.isNaN(date.getTime())) throw new TemplateError(`${helper} needs a date, got ${JSON.stringify(value)}`);
  return date;
}

// A calendar date (YYYY-MM-DD) is shown as it is; an instant in the store's time zone.
hbs.registerHelper('date', (value, options) => {
  const { locale, timeZone } = settingsOf(options);
  const zone = typeof value === 'string' && value.length === 10 ? 'UTC' : timeZone;
  return new Intl.DateTimeFormat(locale, { timeZone: zone, year: 'numeric', month: 'long', day: 'numeric' }).format(instantOf(value, 'date'));
});
hbs.registerHelper('dateTime', (value, options) => {
  const { locale, timeZone } = settingsOf(options);
  return new Intl.DateTimeFormat(locale, { timeZone, month: 'long', day: 'numeric', weekday: 'short', hour: '2-digit', minute: '2-digit', hour12: false }).format(instantOf(value, 'dateTime'));
});
hbs.registerHelper('monthDay', (value, options) => {
  const { locale } = settingsOf(options);
  return new Intl.DateTimeFormat(locale, { timeZone: 'UTC', month: 'long', day: 'numeric' }).format(instantOf(value, 'monthDay'));
});
// Strict mode checks plain lookups only: a list a template repeats over must be there too.
const builtInEach = hbs.helpers.each;
hbs.registerHelper('each', function (list, options) {
  if (list === undefined || list === null) throw new TemplateError('a list the template repeats over (#each) is missing');
  return builtInEach.call(this, list, options);
});
// For body templates that build JSON (the SMS gateway adapter): a string literal, quotes included.
hbs.registerHelper('json', (value) => new Handlebars.SafeString(JSON.stringify(value ?? null)));

const compiled = new Map();

function compile(text) {
  let fn = compiled.get(text);
  if (!fn) {
    // Messages are plain text (SMS, text mail, robot markdown): nothing is HTML-escaped.
    fn = hbs.compile(text, { strict: true, noEscape: true });
    if (compiled.size > 500) compiled.clear();
    compiled.set(text, fn);
  }
  return fn;
}

function renderText(text, variables, settings) {
  try {
    return compile(text)(variables, { data: { settings } });
  } catch (err) {
    if (err instanceof TemplateError) throw err;
    throw new TemplateError(String(err && err.message).replace(/ in \[object Object\]/, ''));
  }
}

function renderTemplate(source, variables, settings) {
  return { subject: renderText(source.subject, variables, settings), body: renderText(source.body, variables, settings) };
}

module.exports = { TemplateError, renderText, renderTemplate };
