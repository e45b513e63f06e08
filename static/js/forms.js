// Feedback where the person is looking (issue 14, items 2 and 3). No inline scripts: the
// Thai texts are in templates/includes/form_texts.html (a <template> in every page).
//
// 1. Every htmx form that saves says what happened beside its button, in its status
//    ([data-form-status], role=status, templates/includes/form_status.html): "กำลังบันทึก…"
//    while the request is on its way; the server's confirmation (sent out of band); or why it
//    failed: a server error (500, 503…), no connection, no answer within htmx.config.timeout,
//    or a session that ended (the login page, which htmx would have swapped into the form, is
//    not shown: a link opens it in a new tab). htmx swaps no error response, so what was typed
//    stays in the fields; hx-disabled-elt gives the button back, and the focus goes back to
//    it if the browser dropped it. After a session ended or a 403, the page's CSRF token is
//    renewed before the next save (logging in again elsewhere replaces it).
// 2. A text with a limit (data-maxlength, projects/form_helpers.py) shows a counter under it,
//    "12,345 / 20,000 ตัวอักษร", and a warning when over; a screen reader hears it when the
//    text nears the limit, goes over it and comes back, not at every key. Nothing is cut:
//    the server refuses a longer text with its own message.
(function () {
  "use strict";

  var texts = null;

  function say(name, values) {
    texts = texts || document.getElementById("form-texts");
    var source = texts && texts.content.querySelector('[data-text="' + name + '"]');
    var text = source ? source.textContent.replace(/\s+/g, " ").trim() : "";
    Object.keys(values || {}).forEach(function (key) {
      text = text.split("{" + key + "}").join(values[key]);
    });
    return text;
  }

  function loginUrl() {
    texts = texts || document.getElementById("form-texts");
    return texts ? texts.dataset.loginUrl : "/accounts/login/";
  }

  // --- 1. What happened to a save -------------------------------------------------------

  // Each save on its way (by its XMLHttpRequest: htmx may tell of its end on another element
  // than the form when the form was swapped out) → {status, focus}.
  var pending = new WeakMap();
  var tokenStale = false;
  var renewing = false;

  // The form that issued the request, when it has a status: not the live preview or the
  // filters, which are GET requests of other elements.
  function savingForm(event) {
    var elt = event.detail && event.detail.elt;
    if (!elt || elt.tagName !== "FORM" || !elt.querySelector("[data-form-status]")) return null;
    return elt;
  }

  function show(status, message, tone, link) {
    if (!status) return;
    var span = document.createElement("span");
    span.className = "form-status__msg form-status__msg--" + tone;
    span.textContent = message;
    if (link) {
      var a = document.createElement("a");
      a.href = link.href;
      a.target = "_blank";
      a.rel = "noopener";
      a.textContent = link.text;
      span.appendChild(document.createTextNode(" "));
      span.appendChild(a);
    }
    status.replaceChildren(span);
  }

  // The focus back on what had it (the button, which was disabled meanwhile), unless the
  // person has moved on.
  function giveFocusBack(state) {
    var active = document.activeElement;
    if (!state.focus || (active && active !== document.body)) return;
    var target = document.getElementById(state.focus);
    if (target && !target.disabled) target.focus({ preventScroll: true });
  }

  function failed(event, message, link) {
    var state = pending.get(event.detail.xhr);
    if (!state) return;
    show(state.status, message, "error", link);
    giveFocusBack(state);
    inView(state.status);
  }

  // A message longer than the space below the button (a row near the bottom of the screen)
  // is scrolled into view; the focus stays where it is.
  function inView(status) {
    var box = status.getBoundingClientRect();
    if (box.top < 0 || box.bottom > window.innerHeight) status.scrollIntoView({ block: "nearest" });
  }

  document.addEventListener("htmx:beforeRequest", function (event) {
    var form = savingForm(event);
    if (!form) return;
    var active = document.activeElement;
    var status = form.querySelector("[data-form-status]");
    pending.set(event.detail.xhr, { status: status, focus: active && active.id ? active.id : null });
    show(status, say("busy"), "busy");
  });

  // The timeout is for the server's answer, not for sending files: evidence (up to 50 MB) on a
  // slow line takes longer than that to send. With files, each step of the sending and its
  // end start the clock again: given up on only after that long without progress, or without
  // an answer once all is sent. (A timeout set while the request runs counts from its start.)
  document.addEventListener("htmx:beforeSend", function (event) {
    var form = savingForm(event);
    var xhr = event.detail.xhr;
    if (!form || !xhr.timeout) return;
    var files = Array.prototype.some.call(form.querySelectorAll("input[type=file]"), function (input) {
      return input.files && input.files.length > 0;
    });
    if (!files) return;
    var wait = xhr.timeout;
    var started = Date.now();
    var again = function () {
      xhr.timeout = Date.now() - started + wait;
    };
    xhr.upload.addEventListener("progress", again);
    xhr.upload.addEventListener("load", again);
  });

  // A session that ended: the request was redirected to the login page, which htmx would put
  // in place of the form (or of the live preview). Keep the form; say so beside its button.
  document.addEventListener("htmx:beforeSwap", function (event) {
    var xhr = event.detail.xhr;
    if (!xhr || !xhr.responseURL) return;
    var login = new URL(loginUrl(), window.location.href).pathname;
    if (new URL(xhr.responseURL).pathname !== login) return;
    if (new URL(event.detail.pathInfo.requestPath, window.location.href).pathname === login) return;
    event.detail.shouldSwap = false;
    tokenStale = true;
    var state = pending.get(xhr);
    var source = event.detail.requestConfig && event.detail.requestConfig.elt;
    var form = source && source.closest ? source.closest("form") : null;
    var status = state ? state.status : form && form.querySelector("[data-form-status]");
    if (!status) {
      // A filter or a "more" link, nothing typed: to the login page, and back here after.
      window.location.assign(xhr.responseURL);
      return;
    }
    var next = window.location.pathname + window.location.search;
    show(status, say("session"), "error", {
      href: loginUrl() + "?next=" + encodeURIComponent(next),
      text: say("session-link"),
    });
    if (state) giveFocusBack(state);
    inView(status);
  });

  document.addEventListener("htmx:responseError", function (event) {
    var code = event.detail.xhr.status;
    var name = "other";
    if (code === 503) name = "unavailable";
    else if (code >= 500) name = "server";
    else if (code === 401 || code === 403) name = "forbidden";
    else if (code === 400 || code === 413) name = "refused";
    if (name === "forbidden") tokenStale = true;
    failed(event, say(name, { status: code }));
  });

  document.addEventListener("htmx:sendError", function (event) {
    failed(event, say("network"));
  });

  document.addEventListener("htmx:timeout", function (event) {
    failed(event, say("timeout", { seconds: Math.round(window.htmx.config.timeout / 1000) }));
  });

  // After every answer, or none (htmx fires it before sendError and timeout, after
  // responseError). The form may have been swapped out: its status was kept (hx-preserve).
  document.addEventListener("htmx:afterRequest", function (event) {
    var state = pending.get(event.detail.xhr);
    if (!state) return;
    var failedRequest = event.detail.error || event.detail.failed;
    // Answered without a message of its own (a refusal shown by the fields): no "กำลังบันทึก…".
    var status = state.status;
    if (!failedRequest && status && status.querySelector(".form-status__msg--busy")) {
      status.replaceChildren();
    }
    giveFocusBack(state);
  });

  // A confirmation holds until the form is changed again (a failure stays: it still holds).
  document.addEventListener("input", function (event) {
    var form = event.target.form;
    var status = form && form.querySelector("[data-form-status]");
    if (status && status.querySelector(".form-status__msg--ok")) status.replaceChildren();
  });

  // Before the first save after a session ended or a 403: renew the page's CSRF token from a
  // page of the same site (the login page: small), then send.
  document.addEventListener("htmx:confirm", function (event) {
    if (!tokenStale || !savingForm(event)) return;
    event.preventDefault();
    if (renewing) return;
    renewing = true;
    var send = function () {
      renewing = false;
      event.detail.issueRequest(false);
    };
    fetch(loginUrl(), { credentials: "same-origin", cache: "no-store" })
      .then(function (response) { return response.text(); })
      .then(function (html) {
        var page = new DOMParser().parseFromString(html, "text/html");
        var theirs = JSON.parse(page.body.getAttribute("hx-headers") || "{}");
        var token = theirs["X-CSRFToken"];
        if (!token) return;
        var ours = JSON.parse(document.body.getAttribute("hx-headers") || "{}");
        ours["X-CSRFToken"] = token;
        document.body.setAttribute("hx-headers", JSON.stringify(ours));
        document.querySelectorAll("input[name=csrfmiddlewaretoken]").forEach(function (input) {
          input.value = token;
        });
        tokenStale = false;
      })
      .then(send, send);
  });

  // --- 2. Texts with a limit --------------------------------------------------------------

  var announcer = null;

  function grouped(n) {
    return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  }

  // As the server counts (TextLengthValidator): the text without the spaces around it, one
  // character per code point, a line break one character.
  function length(value) {
    var text = value.trim();
    var pairs = text.match(/[\uD800-\uDBFF][\uDC00-\uDFFF]/g);
    return text.length - (pairs ? pairs.length : 0);
  }

  // Near the limit from 90 %: time to say how much is left.
  function stateOf(n, limit) {
    return n > limit ? "over" : n >= limit * 0.9 ? "near" : "fits";
  }

  function labelOf(field) {
    var label = field.labels && field.labels.length ? field.labels[0].textContent : field.getAttribute("aria-label");
    return (label || "").replace(/[:\s]+$/, "").trim();
  }

  function counterOf(field) {
    if (!field.id) return null;
    var counter = document.getElementById(field.id + "_count");
    if (counter) return counter;
    counter = document.createElement("p");
    counter.id = field.id + "_count";
    counter.className = "length-counter";
    field.insertAdjacentElement("afterend", counter);
    var described = (field.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
    described.push(counter.id);
    field.setAttribute("aria-describedby", described.join(" "));
    return counter;
  }

  function announce(message) {
    if (!announcer) return;
    announcer.textContent = message;
  }

  function count(field) {
    var limit = parseInt(field.dataset.maxlength, 10);
    var counter = counterOf(field);
    if (!limit || !counter) return;
    var n = length(field.value);
    var state = stateOf(n, limit);
    var over = state === "over";
    var values = {
      count: grouped(n), limit: grouped(limit), over: grouped(n - limit), left: grouped(limit - n),
      label: labelOf(field),
    };
    counter.textContent = say(over ? "count-over" : "count", values);
    counter.classList.toggle("length-counter--over", over);
    counter.classList.toggle("length-counter--near", state === "near");
    field.classList.toggle("length-over", over);
    // A one-line input, or a field in a table row (plan steps, scores), shows its counter
    // only when the text nears the limit: a line under every row would be noise.
    var quiet = field.tagName !== "TEXTAREA" || field.closest("table");
    counter.hidden = quiet && n < limit * 0.8;
    var before = field.dataset.lengthState || "fits";
    if (state !== before) {
      if (state === "over") announce(say("announce-over", values));
      else if (state === "near" && before === "fits") announce(say("announce-near", values));
      else if (before === "over") announce(say("announce-fits", values));
      field.dataset.lengthState = state;
    }
  }

  function countAll(root) {
    root.querySelectorAll("[data-maxlength]").forEach(function (field) {
      // A field re-rendered by the server starts again from what it holds, silently.
      if (!field.dataset.lengthState) {
        field.dataset.lengthState = stateOf(length(field.value), parseInt(field.dataset.maxlength, 10));
      }
      count(field);
    });
  }

  document.addEventListener("input", function (event) {
    if (event.target.dataset && event.target.dataset.maxlength) count(event.target);
  });

  document.addEventListener("DOMContentLoaded", function () {
    announcer = document.createElement("div");
    announcer.id = "length-announcer";
    announcer.className = "visually-hidden";
    announcer.setAttribute("role", "status");
    document.body.appendChild(announcer);
    countAll(document);
  });

  document.addEventListener("htmx:afterSettle", function () { countAll(document); });
})();
