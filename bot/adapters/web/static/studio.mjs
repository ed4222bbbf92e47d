// The content studio's editor, enhanced: while the therapist types, the form is sent (after a
// pause) to the console's own check and preview, and their answers replace the findings and
// the phone. Approve is marked as refused while anything must be fixed; pressed, the server
// still checks and says why. Without this script the buttons send the form and the server
// draws the same parts.
const PAUSE_MS = 400;
const form = document.getElementById("studio-form");

if (form) {
  const findings = document.getElementById("findings");
  const preview = document.getElementById("preview");
  const approve = document.getElementById("approve");
  const approveHint = document.getElementById("approve-hint");
  const hints = {
    refused: "You cannot approve this yet: fix what the checker finds first.",
    ready: "Approving puts this wording live for young people at your council, in your name.",
  };
  let timer = null;
  let sent = 0;
  let lastChecked = null;
  let lastShown = null;

  const markApprove = () => {
    if (!approve) return;  // a safeguarding lead reads, and does not approve
    const body = document.getElementById("findings-body");
    const toFix = Number(body ? body.dataset.toFix : 0);
    if (toFix > 0) {
      approve.setAttribute("aria-disabled", "true");
      approve.classList.add("studio-refused");
      approveHint.textContent = hints.refused;
    } else {
      approve.removeAttribute("aria-disabled");
      approve.classList.remove("studio-refused");
      approveHint.textContent = hints.ready;
    }
  };

  const fragment = async (url, number) => {
    const fields = new URLSearchParams(new FormData(form));
    fields.set("fragment", "yes");
    let answer;
    try {
      answer = await fetch(url, {
        method: "POST",
        body: fields,
        credentials: "same-origin",
        headers: { "Content-Type": "application/x-www-form-urlencoded" },
      });
    } catch {
      return null;  // the console out of reach for a moment: the next pause tries again
    }
    // Refused, or sent to sign in again (a session ended): leave the page as it is; saving
    // will say why.
    if (!answer.ok || answer.redirected) return null;
    const html = await answer.text();
    return number === sent ? html : null;  // a newer answer is on its way
  };

  const refresh = async () => {
    sent += 1;
    const number = sent;
    const [checked, shown] = await Promise.all([
      fragment(form.dataset.check, number),
      fragment(form.dataset.preview, number),
    ]);
    // Only what changed is redrawn: a live region read out again at every pause would drown
    // the therapist's own typing.
    if (checked !== null && checked !== lastChecked) {
      lastChecked = checked;
      findings.innerHTML = checked;
      markApprove();
    }
    if (shown !== null && shown !== lastShown) {
      lastShown = shown;
      preview.innerHTML = shown;
    }
    form.dataset.checked = String(number);
  };

  const later = () => {
    clearTimeout(timer);
    timer = setTimeout(refresh, PAUSE_MS);
  };

  form.addEventListener("input", later);
  form.addEventListener("change", later);
  form.addEventListener("submit", (event) => {
    const action = event.submitter ? event.submitter.getAttribute("formaction") : null;
    if (action === form.dataset.check || action === form.dataset.preview) {
      event.preventDefault();
      clearTimeout(timer);
      refresh();
    }
  });
  markApprove();
}
