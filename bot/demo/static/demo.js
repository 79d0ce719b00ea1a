// The demo's Telegram in the browser: polls each chat, draws what the bot sent (its HTML comes
// already cleaned by the server), and sends texts, button presses and files as the person.
"use strict";

(function () {
  const body = document.body;
  const who = body.dataset.who;
  const lang = body.dataset.lang;

  function post(path, form) {
    return fetch(path, { method: "POST", body: form, headers: { "X-Demo": "1" }, credentials: "same-origin" });
  }

  function personForm(chat) {
    const form = new FormData();
    form.append("who", who);
    form.append("lang", lang);
    form.append("chat", chat);
    return form;
  }

  function button(text, onClick) {
    const b = document.createElement("button");
    b.type = "button";
    b.textContent = text;
    b.addEventListener("click", onClick);
    return b;
  }

  function drawEntry(section, chat, entry) {
    const li = document.createElement("li");
    li.className = entry.side === "me" ? "me" : "bot";
    li.dataset.id = entry.id;
    if (entry.side === "bot" || chat === "group") {
      // The bot's name says it is the demonstration's; in the group, people's names too.
      const from = document.createElement("span");
      from.className = "from";
      from.textContent = entry.side === "bot" ? body.dataset.bot : entry.from;
      li.appendChild(from);
    }
    if (entry.photo && entry.photo !== "pending") {
      const img = document.createElement("img");
      img.src = "/demo/file/" + encodeURIComponent(entry.photo);
      img.alt = "";
      li.appendChild(img);
    }
    if (entry.file) {
      const a = document.createElement("a");
      a.href = "/demo/file/" + encodeURIComponent(entry.file.file_id);
      a.textContent = "📎 " + entry.file.name;
      a.setAttribute("download", entry.file.name);
      li.appendChild(a);
    }
    const text = document.createElement("div");
    text.className = "text";
    text.innerHTML = entry.html; // cleaned by the server (bot/demo/telegram_html.py)
    li.appendChild(text);
    if (entry.edited) {
      const edited = document.createElement("span");
      edited.className = "edited";
      edited.textContent = body.dataset.edited;
      li.appendChild(edited);
    }
    if (entry.side === "bot") {
      const reply = button(body.dataset.reply, function () {
        section.querySelector("input[name=reply_to]").value = entry.id;
        section.querySelector(".replying").hidden = false;
        section.querySelector("input[name=text]").focus();
      });
      reply.className = "reply-link";
      li.appendChild(reply);
    }
    for (const row of entry.buttons) {
      const line = document.createElement("div");
      line.className = "row";
      for (const b of row) {
        if (b.url) {
          const a = document.createElement("a");
          a.href = b.url;
          a.target = "_blank";
          a.rel = "noopener noreferrer";
          a.textContent = b.text;
          line.appendChild(a);
        } else if (b.data) {
          line.appendChild(button(b.text, function () {
            const form = personForm(chat);
            form.append("message_id", entry.id);
            form.append("data", b.data);
            post("/demo/api/press", form);
          }));
        }
      }
      li.appendChild(line);
    }
    return li;
  }

  function drawKeyboard(section, chat, keyboard) {
    const box = section.querySelector(".keyboard");
    box.replaceChildren();
    box.hidden = !keyboard;
    if (!keyboard) return;
    for (const row of keyboard.rows) {
      const line = document.createElement("div");
      line.className = "row";
      for (const label of row) {
        line.appendChild(button(label, function () { sendText(section, chat, label); }));
      }
      box.appendChild(line);
    }
  }

  function sendText(section, chat, text) {
    const form = personForm(chat);
    form.append("text", text);
    const replyTo = section.querySelector("input[name=reply_to]");
    form.append("reply_to", replyTo.value);
    replyTo.value = "";
    section.querySelector(".replying").hidden = true;
    return post("/demo/api/send", form);
  }

  function follow(section) {
    const chat = section.dataset.chat;
    const list = section.querySelector(".messages");
    const notice = section.querySelector(".notice");
    let version = "";
    async function poll() {
      try {
        const query = new URLSearchParams({ who: who, lang: lang, chat: chat, since: version });
        const answer = await fetch("/demo/api/chat?" + query.toString(), { credentials: "same-origin" });
        if (answer.status === 200) {
          const state = await answer.json();
          version = String(state.version);
          list.replaceChildren(...state.entries.map(function (e) { return drawEntry(section, chat, e); }));
          list.scrollTop = list.scrollHeight;
          drawKeyboard(section, chat, state.keyboard);
          if (state.notice) {
            notice.textContent = state.notice;
            notice.hidden = false;
            setTimeout(function () { notice.hidden = true; }, 3000);
          }
        }
      } finally {
        setTimeout(poll, 600);
      }
    }
    poll();
    const form = section.querySelector(".compose");
    form.addEventListener("submit", async function (event) {
      event.preventDefault();
      const input = form.querySelector("input[name=text]");
      const picked = form.querySelector("input[type=file]");
      if (picked.files.length) {
        for (const file of picked.files) {
          const upload = personForm(chat);
          upload.append("file", file, file.name);
          await post("/demo/api/upload", upload);
        }
        picked.value = "";
      }
      if (input.value.trim()) {
        const text = input.value;
        input.value = "";
        await sendText(section, chat, text);
      }
    });
    section.querySelector(".cancel").addEventListener("click", function () {
      section.querySelector("input[name=reply_to]").value = "";
      section.querySelector(".replying").hidden = true;
    });
  }

  function rehearsal() {
    const form = document.querySelector("form.rehearse");
    const progress = document.querySelector(".rehearsal .progress");
    const summary = document.querySelector(".rehearsal .summary");
    async function poll() {
      try {
        const answer = await fetch("/demo/api/rehearsal?lang=" + encodeURIComponent(lang));
        const state = await answer.json();
        if (state.total) progress.innerHTML = state.progress;
        summary.innerHTML = state.summary;
      } finally {
        setTimeout(poll, 1000);
      }
    }
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      post("/demo/api/rehearsal", new FormData(form));
    });
    poll();
  }

  document.querySelectorAll("section.chat").forEach(follow);
  rehearsal();
})();
