/** The HTTP client lives in web/src/api/http.ts; these names remain for modules not yet moved to it. */
export { call, messageOf, noContent } from '../api/http';
