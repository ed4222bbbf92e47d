// The GOV.UK Design System's JavaScript: only an enhancement, every page works without it.
// A file rather than an inline script, so the Content-Security-Policy needs no exception.
import { initAll } from "/assets/govuk/govuk-frontend.min.js";

document.body.classList.add("js-enabled", "govuk-frontend-supported");
initAll();
