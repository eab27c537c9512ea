/*
 * The chat widget. Partner sites embed it with one tag:
 *   <script src="https://CHAT-HOST/widget.js" data-bot-url="https://BOT-HOST"
 *           data-exit-url="https://a-neutral-site.example" defer></script>
 * Optional: data-target="#id" (where the chat goes; default: after the script tag),
 * data-exit-only (just the "Exit this page" control, for pages without the chat).
 *
 * Every word comes from /widget-config.json (built from content/); none is typed here.
 * Safety rules kept throughout:
 * - bot and user text only ever become DOM text nodes (never HTML);
 * - the only thing stored is a random sender id, in sessionStorage, removed on exit;
 * - "Exit this page" (button, Escape twice, Shift three times) covers the page at once,
 *   clears the conversation and leaves with location.replace, so Back does not return;
 *   so does every button labelled as leaving (a danger answer's "Leave this page");
 * - read aloud uses the browser's own speech synthesis, with a voice on this device.
 * Phone layout: the message box is in a dock kept at the bottom of the screen; each new
 * answer is scrolled to its start; at most four buttons per answer ("More options" holds
 * the rest); a text-size control; "Where am I?" (the stages, from /journey.json).
 */
(function () {
  "use strict";

  var script = document.currentScript;
  if (!script || window.__botWidgetLoaded) return;
  window.__botWidgetLoaded = true;

  var SENDER_KEY = "bw-sender";
  var PRESS_WINDOW_MS = 5000;       // GOV.UK: three Shift presses within about 5 seconds
  var REPLY_TIMEOUT_MS = 45000;
  var MAX_MESSAGE_CHARS = 2000;
  var scriptOrigin = new URL(script.src, location.href).origin;
  var uid = 0;

  // ---------------------------------------------------------------- helpers
  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text != null) node.textContent = text;
    return node;
  }

  function hiddenText(text) {
    return el("span", "bw-visually-hidden", text);
  }

  function storage() {
    try { return window.sessionStorage; } catch (e) { return null; }  // blocked in some private modes
  }

  function forgetSender() {
    var store = storage();
    try { if (store) store.removeItem(SENDER_KEY); } catch (e) { /* nothing stored then */ }
  }

  function loadConfig() {
    var inline = document.getElementById("bw-config");
    if (inline) {
      try { return Promise.resolve(JSON.parse(inline.textContent)); } catch (e) { /* fetch it instead */ }
    }
    return fetch(scriptOrigin + "/widget-config.json", {
      credentials: "omit", cache: "no-store", referrerPolicy: "no-referrer"
    }).then(function (reply) {
      if (!reply.ok) throw new Error("widget config " + reply.status);
      return reply.json();
    });
  }

  // ------------------------------------------------------------- quick exit
  function QuickExit(config) {
    var words = config.words;
    var exitUrl = script.getAttribute("data-exit-url") || config.exit_url;
    var wrapper = el("div", "bw-exit");
    wrapper.setAttribute("role", "region");
    wrapper.setAttribute("aria-label", words.exit_page);
    var button = el("button", "bw-exit-button");
    button.type = "button";
    button.appendChild(hiddenText(words.exit_emergency + " "));
    button.appendChild(document.createTextNode(words.exit_page));
    var status = el("div", "bw-visually-hidden");
    status.setAttribute("role", "status");
    wrapper.appendChild(button);
    wrapper.appendChild(status);
    document.body.insertBefore(wrapper, document.body.firstChild);  // first stop for Tab
    document.documentElement.classList.add("bw-has-exit");

    var onExit = [];
    var pressed = { key: null, count: 0, timer: null, clear: null, lastWithShift: false };
    var needed = { Shift: 3, Escape: 2 };
    var remainingWords = { Shift: { 2: words.exit_shift_2, 1: words.exit_shift_1 }, Escape: { 1: words.exit_escape_1 } };

    function say(text) {
      clearTimeout(pressed.clear);
      status.textContent = text;
      pressed.clear = setTimeout(function () { status.textContent = ""; }, PRESS_WINDOW_MS);
    }

    // As GOV.UK's component: a count that stops (too slow, or another key) says it expired.
    function resetPresses() {
      var counting = pressed.count > 0;
      clearTimeout(pressed.timer);
      pressed.key = null;
      pressed.count = 0;
      if (counting) say(words.exit_expired);
    }

    function leave(event) {
      if (event) event.preventDefault();
      clearTimeout(pressed.timer);
      // Cover the page at once, so nothing stays on screen while the next page loads.
      var cover = el("div", "bw-cover");
      document.body.appendChild(cover);
      document.documentElement.classList.add("bw-leaving");
      onExit.forEach(function (clear) { try { clear(); } catch (e) { /* leave anyway */ } });
      forgetSender();
      window.location.replace(exitUrl);
    }

    button.addEventListener("click", leave);
    document.addEventListener("keydown", function (event) {
      if (event.repeat) return;
      var need = needed[event.key];
      // Shift pressed right after a capital letter is typing, not a request to leave.
      var typing = event.key === "Shift" && pressed.lastWithShift;
      pressed.lastWithShift = event.shiftKey && event.key !== "Shift";
      if (!need || typing) { resetPresses(); return; }
      if (pressed.key !== event.key) resetPresses();
      pressed.key = event.key;
      pressed.count += 1;
      clearTimeout(pressed.timer);
      if (pressed.count >= need) { leave(event); return; }
      say(remainingWords[event.key][need - pressed.count]);
      pressed.timer = setTimeout(resetPresses, PRESS_WINDOW_MS);
    }, true);

    // Coming back through the browser's page cache: never show the old page.
    window.addEventListener("pageshow", function (event) {
      if (event.persisted && document.documentElement.classList.contains("bw-leaving")) {
        window.location.replace(exitUrl);
      }
    });

    return { onExit: function (clear) { onExit.push(clear); }, leave: leave };
  }

  // --------------------------------------------------- safe text rendering
  // Bot text is plain text: paragraphs split by blank lines, list lines start "- ",
  // full web addresses become links, known helpline numbers become tap-to-call links.
  function TextRenderer(config) {
    var words = config.words;
    var phones = (config.phones || []).filter(function (p) { return p && p.text && p.tel; });
    var urlPattern = /https?:\/\/[^\s<>"']+/g;

    function link(href, text, newTab) {
      var a = el("a", "bw-link", text);
      a.href = href;
      if (newTab) {
        a.target = "_blank";
        a.rel = "noopener noreferrer";
        a.appendChild(hiddenText(" " + words.new_tab));
      }
      return a;
    }

    function isDigit(ch) { return ch >= "0" && ch <= "9"; }

    function addPhones(parent, text) {
      var at = 0;
      while (at < text.length) {
        var best = null;
        phones.forEach(function (phone) {
          var from = at;
          while (true) {
            var found = text.indexOf(phone.text, from);
            if (found < 0) return;
            var end = found + phone.text.length;
            var alone = (found === 0 || !isDigit(text[found - 1])) && (end >= text.length || !isDigit(text[end]));
            if (alone) {
              if (!best || found < best.start) best = { start: found, end: end, phone: phone };
              return;
            }
            from = found + 1;
          }
        });
        if (!best) break;
        parent.appendChild(document.createTextNode(text.slice(at, best.start)));
        parent.appendChild(link("tel:" + best.phone.tel, best.phone.text, false));
        at = best.end;
      }
      parent.appendChild(document.createTextNode(text.slice(at)));
    }

    function addInline(parent, text) {
      var at = 0;
      text.replace(urlPattern, function (match, offset) {
        var url = match.replace(/[.,;:!?)\]]+$/, "");
        addPhones(parent, text.slice(at, offset));
        parent.appendChild(link(url, url, true));
        at = offset + url.length;
        return match;
      });
      addPhones(parent, text.slice(at));
    }

    function blocks(text) {
      var fragment = document.createDocumentFragment();
      String(text || "").split(/\n\s*\n/).forEach(function (block) {
        var lines = block.split("\n").map(function (l) { return l.trim(); }).filter(Boolean);
        var list = null;
        var para = [];
        function flushPara() {
          if (!para.length) return;
          var p = el("p");
          addInline(p, para.join(" "));
          fragment.appendChild(p);
          para = [];
        }
        lines.forEach(function (line) {
          if (line.indexOf("- ") === 0) {
            flushPara();
            if (!list) { list = el("ul"); fragment.appendChild(list); }
            var li = el("li");
            addInline(li, line.slice(2));
            list.appendChild(li);
          } else {
            list = null;
            para.push(line);
          }
        });
        flushPara();
      });
      return fragment;
    }

    return { blocks: blocks, inline: addInline };
  }

  // ------------------------------------------------------------- read aloud
  // The browser's own speech synthesis (window.speechSynthesis): nothing is sent to us or
  // anyone else by the widget. Some browsers also offer voices that work over the network,
  // so a voice on this device is chosen, and the button is hidden if there is none.
  function ReadAloud(words) {
    var synth = window.speechSynthesis;
    var Utterance = window.SpeechSynthesisUtterance;
    if (!synth || typeof synth.speak !== "function" || typeof Utterance !== "function") return null;
    var current = null;   // { button, utterance } while reading

    function voices() {
      try { return Array.prototype.slice.call(synth.getVoices() || []); } catch (e) { return []; }
    }
    function localVoice() {
      var local = voices().filter(function (v) { return v && v.localService; });
      function byLang(prefix) {
        return local.filter(function (v) { return String(v.lang || "").toLowerCase().indexOf(prefix) === 0; })[0];
      }
      return byLang("en-gb") || byLang("en") || local[0] || null;
    }
    // No voices listed (yet): the browser's default voice, which is its local one.
    function usable() { return !voices().length || !!localVoice(); }

    function reset() {
      if (!current) return;
      current.button.textContent = words.read_aloud;
      current = null;
    }
    function stop() {
      reset();
      try { synth.cancel(); } catch (e) { /* nothing was being read */ }
    }

    function button(spoken) {
      var read = el("button", "bw-read", words.read_aloud);
      read.type = "button";
      read.addEventListener("click", function () {
        var wasReading = current && current.button === read;
        stop();
        if (wasReading || !usable()) return;
        var utterance = new Utterance(spoken);
        var voice = localVoice();
        try { if (voice) utterance.voice = voice; } catch (e) { /* the default voice, then */ }
        utterance.lang = (voice && voice.lang) || "en-GB";
        utterance.onend = utterance.onerror = function () { if (current && current.utterance === utterance) reset(); };
        current = { button: read, utterance: utterance };
        read.textContent = words.read_stop;
        synth.speak(utterance);
      });
      return read;
    }

    // Call `changed(usable)` now and whenever the browser's list of voices changes.
    function watch(changed) {
      changed(usable());
      if (typeof synth.addEventListener === "function") {
        synth.addEventListener("voiceschanged", function () { changed(usable()); });
      }
    }

    return { button: button, stop: stop, watch: watch };
  }

  // A bot answer as it is read out: its lines, without the "- " of list lines.
  function spokenText(text) {
    return String(text || "").split("\n").map(function (line) {
      line = line.trim();
      return line.indexOf("- ") === 0 ? line.slice(2) : line;
    }).filter(Boolean).join("\n");
  }

  // ------------------------------------------------------ the 26-week clock
  var DAY_MS = 86400000;

  function utcDay(iso) {
    var found = /^(\d{4})-(\d{2})-(\d{2})$/.exec(String(iso || ""));
    if (!found) return null;
    var time = Date.UTC(+found[1], +found[2] - 1, +found[3]);
    var back = new Date(time);
    return back.getUTCDate() === +found[3] && back.getUTCMonth() === +found[2] - 1 ? time : null;
  }

  function today() {
    var now = new Date();
    return Date.UTC(now.getFullYear(), now.getMonth(), now.getDate());
  }

  // Weeks gone and left between the issue date and the end of the 26 weeks (whole weeks).
  function clockWeeks(values, weeks) {
    if (!values) return null;
    var start = utcDay(values.start), due = utcDay(values.due);
    if (start === null || due === null || due <= start) return null;
    var total = Math.round((due - start) / (7 * DAY_MS)) || weeks;
    var gone = Math.floor((today() - start) / (7 * DAY_MS));
    gone = Math.max(0, Math.min(total, gone));
    return { total: total, gone: gone, left: total - gone, over: today() > due };
  }

  function clockNode(words, counted) {
    var box = el("div", "bw-clock");
    box.appendChild(el("p", "bw-clock-heading", words.clock_heading));
    var bar = el("div", "bw-clock-bar");
    bar.setAttribute("aria-hidden", "true");   // the numbers below say the same
    bar.style.gridTemplateColumns = "repeat(" + counted.total + ", 1fr)";
    for (var i = 0; i < counted.total; i++) bar.appendChild(el("span", i < counted.gone ? "bw-clock-gone" : null));
    box.appendChild(bar);
    var figures = el("p", "bw-clock-figures");
    var gone = el("span", "bw-clock-figure", words.clock_gone + " ");
    gone.appendChild(el("strong", null, String(counted.gone)));
    var left = el("span", "bw-clock-figure", words.clock_left + " ");
    left.appendChild(el("strong", null, String(counted.left)));
    figures.appendChild(gone);
    figures.appendChild(document.createTextNode(" "));
    figures.appendChild(left);
    box.appendChild(figures);
    box.appendChild(el("p", "bw-clock-note", counted.over ? words.clock_over : words.clock_note));
    return box;
  }

  // ------------------------------------------------------------ journey map
  // "Where am I?": the stages in their usual order by group, from /journey.json (built
  // from content by bot/journey.py). Every stage is a button that asks about it.
  function JourneyMap(config, data, id, open) {
    var words = config.words;
    var stageNodes = {};
    var current = null;
    var clockPayload = "/" + String(config.clock.content_id).replace(/[\/-]/g, "_");

    var toggle = el("button", "bw-tool bw-map-toggle", words.journey_open);
    toggle.type = "button";
    toggle.setAttribute("aria-expanded", "false");
    toggle.setAttribute("aria-controls", id);

    var panel = el("section", "bw-map");
    panel.id = id;
    panel.hidden = true;
    panel.setAttribute("aria-labelledby", id + "-heading");
    var head = el("div", "bw-map-head");
    var heading = el("h3", "bw-map-heading", words.journey_open);
    heading.id = id + "-heading";
    var close = el("button", "bw-tool bw-map-close", words.journey_close);
    close.type = "button";
    head.appendChild(heading);
    head.appendChild(close);
    panel.appendChild(head);
    panel.appendChild(el("p", "bw-map-intro", words.journey_intro));
    var clockSlot = el("div", "bw-map-clock");
    var askClock = el("button", "bw-choice bw-map-ask", words.clock_ask);
    askClock.type = "button";
    clockSlot.appendChild(askClock);
    panel.appendChild(clockSlot);

    var groupList = el("ol", "bw-groups");
    (data.groups || []).forEach(function (group) {
      var groupItem = el("li", "bw-group");
      groupItem.setAttribute("data-group", group.key);
      groupItem.appendChild(el("h4", "bw-group-heading", group.label));
      var stages = el("ol", "bw-stages");
      (group.stages || []).forEach(function (stage) {
        var item = el("li", "bw-stage");
        item.setAttribute("data-stage-id", stage.id);
        var button = el("button", "bw-stage-open", stage.title);
        button.type = "button";
        button.addEventListener("click", function () { hide(); open(stage.payload, stage.title); });
        item.appendChild(button);
        if (stage.next && stage.next.length) {
          item.appendChild(el("p", "bw-stage-next", words.journey_leads_to + " " +
            stage.next.map(function (n) { return n.title; }).join(", ")));
        }
        stages.appendChild(item);
        stageNodes[stage.id] = { item: item, button: button, here: null };
      });
      groupItem.appendChild(stages);
      groupList.appendChild(groupItem);
    });
    panel.appendChild(groupList);

    function show() {
      panel.hidden = false;
      toggle.setAttribute("aria-expanded", "true");
      var node = current && stageNodes[current];
      // Her stage in view inside the map, without moving the page.
      panel.scrollTop = node ? Math.max(0, node.item.offsetTop - panel.clientHeight / 3) : 0;
    }
    function hide() {
      panel.hidden = true;
      toggle.setAttribute("aria-expanded", "false");
    }

    toggle.addEventListener("click", function () { if (panel.hidden) show(); else hide(); });
    close.addEventListener("click", function () { hide(); toggle.focus(); });
    askClock.addEventListener("click", function () { hide(); open(clockPayload, words.clock_ask); });

    function setCurrent(stageId) {
      if (current && stageNodes[current]) {
        var was = stageNodes[current];
        was.item.classList.remove("bw-stage--current");
        was.button.removeAttribute("aria-current");
        if (was.here) was.item.removeChild(was.here);
        was.here = null;
      }
      current = stageNodes[stageId] ? stageId : null;
      if (!current) return;
      var now = stageNodes[current];
      now.item.classList.add("bw-stage--current");
      now.button.setAttribute("aria-current", "step");
      now.here = el("span", "bw-here", words.journey_here);
      now.item.insertBefore(now.here, now.button.nextSibling);
    }

    function setClock(counted) {
      while (clockSlot.firstChild) clockSlot.removeChild(clockSlot.firstChild);
      clockSlot.appendChild(counted ? clockNode(words, counted) : askClock);
    }

    function reset() { setCurrent(null); setClock(null); hide(); }

    return { toggle: toggle, panel: panel, setCurrent: setCurrent, setClock: setClock, reset: reset };
  }

  function loadJourney(config) {
    var inline = document.getElementById("bw-journey");
    if (inline) {
      try { return Promise.resolve(JSON.parse(inline.textContent)); } catch (e) { /* fetch it instead */ }
    }
    return fetch(scriptOrigin + (config.journey_path || "/journey.json"), {
      credentials: "omit", cache: "no-store", referrerPolicy: "no-referrer"
    }).then(function (reply) {
      if (!reply.ok) throw new Error("journey " + reply.status);
      return reply.json();
    });
  }

  // ------------------------------------------------------------------- chat
  var MAX_CHOICES = 4;          // buttons shown per answer; "More options" holds the rest
  var TEXT_SIZES = [1, 1.25, 1.5, 1.75, 2];

  function Chat(config, mount, quickExit) {
    var words = config.words;
    var botUrl = (script.getAttribute("data-bot-url") || config.bot_url || "").replace(/\/+$/, "");
    var text = TextRenderer(config);
    var readAloud = ReadAloud(words);
    var id = "bw-" + (++uid);
    var busy = false;
    var senderInMemory = null;
    var map = null;
    var currentStage = null;
    var clock = null;
    var leaveTitles = config.leave_titles || [];
    var leaveAfter = config.leave_after || [];
    var pinned = config.pinned_payloads || [];
    var textSize = 0;

    var root = el("section", "bw");
    root.setAttribute("aria-labelledby", id + "-heading");
    var heading = el("h2", "bw-heading", words.chat_heading);
    heading.id = id + "-heading";

    // Tools at the top: text size, how to stay safe online, delete my chat.
    var tools = el("div", "bw-tools");
    var sizes = el("div", "bw-size");
    sizes.setAttribute("role", "group");
    sizes.setAttribute("aria-labelledby", id + "-size");
    var sizeLabel = el("span", "bw-size-label", words.text_size);
    sizeLabel.id = id + "-size";
    var smaller = el("button", "bw-tool bw-size-down", words.text_smaller);
    smaller.type = "button";
    var larger = el("button", "bw-tool bw-size-up", words.text_larger);
    larger.type = "button";
    sizes.appendChild(sizeLabel);
    sizes.appendChild(smaller);
    sizes.appendChild(larger);
    var safeOnline = el("button", "bw-tool", words.quick_exit);
    safeOnline.type = "button";
    var forget = el("button", "bw-tool", words.delete_chat);
    forget.type = "button";
    tools.appendChild(sizes);
    tools.appendChild(safeOnline);
    tools.appendChild(forget);

    var log = el("div", "bw-log");
    log.setAttribute("role", "log");
    log.setAttribute("aria-label", words.conversation);
    var typing = el("p", "bw-typing");
    typing.setAttribute("role", "status");

    // The dock: kept at the bottom of the screen, so the message box is always in view.
    var dock = el("div", "bw-dock");
    var dockTop = el("div", "bw-dock-top");
    var label = el("label", "bw-label", words.message_label);
    label.htmlFor = id + "-input";
    dockTop.appendChild(label);
    var form = el("form", "bw-form");
    form.setAttribute("novalidate", "");
    var row = el("div", "bw-row");
    var input = el("input", "bw-input");
    input.id = id + "-input";
    input.type = "text";
    input.autocomplete = "off";      // no form history left in the browser
    input.maxLength = MAX_MESSAGE_CHARS;
    input.setAttribute("enterkeyhint", "send");
    var send = el("button", "bw-send", words.send);
    send.type = "submit";
    row.appendChild(input);
    row.appendChild(send);
    form.appendChild(row);
    dock.appendChild(dockTop);
    dock.appendChild(form);

    [heading, tools, log, typing, dock].forEach(function (node) { root.appendChild(node); });
    mount(root);

    // A focused control in the chat never hides behind the dock (WCAG 2.2 2.4.11). Not done
    // with scroll-padding: that would also scroll the page when the dock's own controls
    // are focused, moving the answer she is reading.
    root.addEventListener("focusin", function (event) {
      if (dock.contains(event.target) || !event.target.getBoundingClientRect) return;
      var below = event.target.getBoundingClientRect().bottom - dock.getBoundingClientRect().top;
      if (below > 0) window.scrollBy(0, below + 8);
    });

    if (readAloud) readAloud.watch(function (usable) { root.classList.toggle("bw-no-voice", !usable); });

    function clearConversation() {
      while (log.firstChild) log.removeChild(log.firstChild);
      if (readAloud) readAloud.stop();
      currentStage = null;
      clock = null;
      if (map) map.reset();
    }

    quickExit.onExit(function () {
      clearConversation();
      input.value = "";
      senderInMemory = null;
    });

    loadJourney(config).then(function (data) {
      map = JourneyMap(config, data, id + "-map", function (payload, title) { say(payload, title); });
      dockTop.appendChild(map.toggle);
      dock.insertBefore(map.panel, form);
      if (currentStage) map.setCurrent(currentStage);
      if (clock) map.setClock(clock);
    }).catch(function (error) {
      if (window.console) console.warn("chat widget: no journey map", error);
    });

    function setTextSize(step) {
      textSize = Math.max(0, Math.min(TEXT_SIZES.length - 1, step));
      root.style.fontSize = TEXT_SIZES[textSize] === 1 ? "" : (TEXT_SIZES[textSize] * 100) + "%";
      smaller.disabled = textSize === 0;
      larger.disabled = textSize === TEXT_SIZES.length - 1;
    }
    setTextSize(0);
    smaller.addEventListener("click", function () { setTextSize(textSize - 1); if (smaller.disabled) larger.focus(); });
    larger.addEventListener("click", function () { setTextSize(textSize + 1); if (larger.disabled) smaller.focus(); });

    function sender() {
      var store = storage();
      var known = senderInMemory;
      try { known = (store && store.getItem(SENDER_KEY)) || known; } catch (e) { /* memory only */ }
      if (!known) {
        var bytes = new Uint8Array(16);
        crypto.getRandomValues(bytes);
        known = Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
      }
      senderInMemory = known;
      try { if (store) store.setItem(SENDER_KEY, known); } catch (e) { /* memory only */ }
      return known;
    }

    // A new answer is shown from its start (reading down from there); her own line just comes into view.
    function scrollTo(node, block) {
      var still = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
      if (node.scrollIntoView) node.scrollIntoView({ block: block || "nearest", behavior: still ? "auto" : "smooth" });
    }

    function addUser(said) {
      var message = el("div", "bw-msg bw-msg--user");
      message.appendChild(hiddenText(words.you_said + " "));
      message.appendChild(el("p", null, said));
      log.appendChild(message);
      scrollTo(message);
    }

    // The buttons an answer offers, as the widget shows them:
    // - a button to the "how to leave safely" item says "How to stay safe online", so no
    //   button that only explains leaving is labelled as leaving;
    // - a button labelled as leaving leaves, like "Exit this page";
    // - a danger answer gets a real "Leave this page" button first.
    function choicesFor(reply, batch) {
      var seen = {};
      var choices = [];
      var offered = Array.isArray(reply.buttons) ? reply.buttons : [];
      if (leaveAfter.indexOf(reply.content_id) >= 0 && !batch.leaveOffered) {
        batch.leaveOffered = true;
        choices.push({ title: words.leave_page, leave: true });
      }
      offered.forEach(function (b) {
        if (!b || typeof b.title !== "string" || typeof b.payload !== "string") return;
        var choice = { title: b.title, payload: b.payload };
        if (b.payload === config.quick_exit_payload) choice.title = words.quick_exit;
        else if (leaveTitles.indexOf(b.title) >= 0) choice.leave = true;
        choices.push(choice);
      });
      return choices.filter(function (c) {
        if (seen[c.title]) return false;
        seen[c.title] = true;
        return true;
      });
    }

    function choiceButton(choice) {
      var button = el("button", "bw-choice" + (choice.leave ? " bw-choice--leave" : ""), choice.title);
      button.type = "button";
      button.addEventListener("click", function (event) {
        if (choice.leave) quickExit.leave(event);
        else say(choice.payload, choice.title);
      });
      return button;
    }

    // At most MAX_CHOICES buttons; past that, "More options" shows the rest. A leave
    // button and "Talk to a person" are never hidden.
    function addChoices(message, choices) {
      if (!choices.length) return;
      var group = el("div", "bw-choices");
      var keep = function (c) { return c.leave || pinned.indexOf(c.payload) >= 0; };
      var shown = choices.length <= MAX_CHOICES ? choices.length : MAX_CHOICES - 1;
      var room = shown - choices.filter(keep).length;
      var extra = [];
      choices.forEach(function (choice) {
        var button = choiceButton(choice);
        if (!keep(choice)) {
          if (room > 0) room -= 1;
          else { button.hidden = true; extra.push(button); }
        }
        group.appendChild(button);
      });
      if (extra.length) {
        var more = el("button", "bw-choice bw-more", words.more_options);
        more.type = "button";
        more.setAttribute("aria-expanded", "false");
        more.addEventListener("click", function () {
          extra.forEach(function (button) { button.hidden = false; });
          more.setAttribute("aria-expanded", "true");
          more.hidden = true;
          extra[0].focus();
        });
        group.appendChild(more);
      }
      message.appendChild(group);
    }

    // The choices of the latest answer: her typed words picking one of them ("a court
    // decided") are sent as that choice, as a tap would be (the SMS channel does the same).
    var offered = { batch: null, choices: [] };
    function remember(choices, batch) {
      if (!batch || offered.batch !== batch) offered = { batch: batch || null, choices: [] };
      choices.forEach(function (c) { if (!c.leave) offered.choices.push(c); });
    }
    function plainWords(said) {
      return said.toLowerCase().replace(/[^a-z0-9]+/g, " ").trim();
    }
    function typedChoice(said) {
      var words = plainWords(said);
      for (var i = 0; i < offered.choices.length; i++) {
        if (words && plainWords(offered.choices[i].title) === words) return offered.choices[i];
      }
      return null;
    }

    function addBot(reply, batch) {
      var message = el("div", "bw-msg bw-msg--bot");
      if (typeof reply.content_id === "string") message.setAttribute("data-content-id", reply.content_id);
      if (typeof reply.part === "string") message.setAttribute("data-part", reply.part);
      message.appendChild(hiddenText(words.guide_said + " "));
      var body = el("div", "bw-text");
      body.appendChild(text.blocks(reply.text));
      message.appendChild(body);

      if (reply.content_id === config.clock.content_id && reply.part === config.clock.part) {
        var counted = clockWeeks(reply.values, config.clock.weeks);
        if (counted) {
          clock = counted;
          message.appendChild(clockNode(words, counted));
          if (map) map.setClock(counted);
        }
      }
      if (typeof reply.content_id === "string" && reply.content_id.indexOf("stage/") === 0) {
        currentStage = reply.content_id;
        if (map) map.setCurrent(currentStage);
      }

      var choices = choicesFor(reply, batch || {});
      remember(choices, batch);
      addChoices(message, choices);
      if (readAloud && reply.text) {
        var tail = el("div", "bw-msg-tools");
        tail.appendChild(readAloud.button(spokenText(reply.text)));
        message.appendChild(tail);
      }
      log.appendChild(message);
      return message;
    }

    function showTyping(on) {
      typing.textContent = on ? words.typing : "";
      typing.classList.toggle("bw-typing--on", on);
      if (on) {
        var dots = el("span", "bw-dots");
        dots.setAttribute("aria-hidden", "true");
        for (var i = 0; i < 3; i++) dots.appendChild(el("span"));
        typing.appendChild(dots);
      }
    }

    function addError(retry) {
      var box = el("div", "bw-msg bw-error");
      box.setAttribute("data-content-id", config.crisis.content_id);
      box.appendChild(el("h3", "bw-error-heading", words.chat_error));
      box.appendChild(el("p", null, words.chat_error_help));
      var list = el("ul", "bw-help");
      config.crisis.lines.forEach(function (line) {
        var item = el("li");
        text.inline(item, line);
        list.appendChild(item);
      });
      box.appendChild(list);
      var again = el("button", "bw-choice bw-retry", words.retry);
      again.type = "button";
      again.addEventListener("click", function () {
        box.parentNode && box.parentNode.removeChild(box);
        retry();
      });
      box.appendChild(again);
      log.appendChild(box);
      scrollTo(box, "start");
    }

    function post(message) {
      var who = sender();
      var controller = window.AbortController ? new AbortController() : null;
      var timer = controller && setTimeout(function () { controller.abort(); }, REPLY_TIMEOUT_MS);
      return fetch(botUrl + "/webhooks/rest/webhook", {
        method: "POST",
        headers: { "Content-Type": "application/json", "X-Sender-Id": who },
        body: JSON.stringify({ sender: who, message: message }),
        credentials: "omit", cache: "no-store", referrerPolicy: "no-referrer",
        signal: controller ? controller.signal : undefined
      }).then(function (reply) {
        clearTimeout(timer);
        if (!reply.ok) throw new Error("bot answered " + reply.status);
        return reply.json();
      }, function (error) {
        clearTimeout(timer);
        throw error;
      }).then(function (replies) {
        if (!Array.isArray(replies)) throw new Error("bot answered something that is not a list");
        return replies.filter(function (r) { return r && typeof r.text === "string"; });
      });
    }

    // Send one message; `shown` is what appears as hers (a button's title), if anything.
    function say(message, shown, afterReply) {
      if (busy) return false;
      busy = true;
      if (readAloud) readAloud.stop();
      if (shown) addUser(shown);
      showTyping(true);
      post(message).then(function (replies) {
        showTyping(false);
        if (afterReply) afterReply(replies);
        var first = null;
        var batch = {};
        replies.forEach(function (reply) { var node = addBot(reply, batch); first = first || node; });
        if (first) scrollTo(first, "start");
      }, function () {
        showTyping(false);
        addError(function () { busy = false; say(message, null, afterReply); });
      }).catch(function (error) {
        if (window.console) console.error("chat widget could not show the answer", error);
      }).then(function () {
        busy = false;
        // Back to the message box without moving the page: the answer stays at its start.
        try { input.focus({ preventScroll: true }); } catch (e) { input.focus(); }
      });
      return true;
    }

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var said = input.value.trim();
      if (!said) { input.focus(); return; }
      var picked = typedChoice(said);
      if (say(picked ? picked.payload : said.slice(0, MAX_MESSAGE_CHARS), said)) input.value = "";
    });

    safeOnline.addEventListener("click", function () { say(config.quick_exit_payload, words.quick_exit); });

    forget.addEventListener("click", function () {
      say(config.forget_payload, words.delete_chat, function (replies) {
        var deleted = replies.some(function (r) { return r.content_id === config.forget_content_id; });
        if (!deleted) return;  // only say it is gone when the bot says it is gone
        clearConversation();
        forgetSender();
        senderInMemory = null;
      });
    });

    var greeting = {};
    (config.greeting || []).forEach(function (reply) { addBot(reply, greeting); });
  }

  // ------------------------------------------------------------------ start
  function mounter() {
    var selector = script.getAttribute("data-target");
    var target = selector ? document.querySelector(selector) : null;
    return function (root) {
      if (target) target.appendChild(root);
      else script.parentNode.insertBefore(root, script.nextSibling);
    };
  }

  function start() {
    var mount = mounter();
    loadConfig().then(function (config) {
      var quickExit = QuickExit(config);
      if (!script.hasAttribute("data-exit-only")) Chat(config, mount, quickExit);
    }).catch(function (error) {
      if (window.console) console.error("chat widget could not start", error);
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
