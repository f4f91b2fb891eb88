/* A circle's private video room, on Janus's VideoRoom plugin (vendored janus.js).
 *
 * "Join the room" POSTs for a pass (the URL comes in the "video-page" JSON
 * block): the Janus URL, the member's token (Janus refuses every request
 * without a live one, and the room refuses tokens not on its allowed list),
 * the room, the publisher id and the display name. Nothing is recorded; media
 * go between this browser and Janus only.
 *
 * One publisher handle sends this person's camera and microphone (the
 * microphone starts off); one subscriber handle per other person receives
 * theirs, each drawn in a tile with their name. When the site revokes the pass
 * (removed from the circle, suspended) Janus kicks the person and ends the
 * session: the page says so and stops.
 */
(function () {
  "use strict";

  var pageNode = document.getElementById("video-page");
  var roomNode = document.getElementById("video-room");
  if (!pageNode || !roomNode || typeof Janus === "undefined") { return; }
  var pageData = JSON.parse(pageNode.textContent);
  // Words people read come translated from the server; "{name}" marks a value filled in here.
  var text = pageData.text;
  function fillText(words, values) {
    return words.replace(/\{(\w+)\}/g, function (whole, key) {
      return values && key in values ? String(values[key]) : whole;
    });
  }
  var config = null;  // the pass, once "Join the room" has asked for it

  var statusNode = document.getElementById("video-status");
  var tilesNode = document.getElementById("video-tiles");
  var tileTemplate = document.getElementById("video-tile");
  var joinForm = document.getElementById("video-join-form");
  var joinButton = document.getElementById("video-join");
  var micButton = document.getElementById("video-mic");
  var cameraButton = document.getElementById("video-camera");
  var leaveButton = document.getElementById("video-leave");

  var janus = null;
  var publisher = null;
  var privateId = null;
  var subscribers = {};  // feed id -> plugin handle
  var tiles = {};        // feed id (or "self") -> {li, video, stream}
  var finished = false;
  var connected = false;

  // Tests (and anyone curious in the console) can read the connection state.
  window.connectVideo = { publisher: null, subscribers: subscribers };

  function say(text) { statusNode.textContent = text; }

  function setState(state) { roomNode.setAttribute("data-state", state); }

  function tileFor(key, name, isSelf) {
    if (tiles[key]) { return tiles[key]; }
    var fragment = tileTemplate.content.cloneNode(true);
    var li = fragment.querySelector("li");
    var video = fragment.querySelector("video");
    li.setAttribute("data-feed", String(key));
    fragment.querySelector(".video-name").textContent = name;
    video.setAttribute("aria-label", isSelf ? text.yourCamera : fillText(text.videoOf, { name: name }));
    if (isSelf) {
      li.classList.add("is-self");
      video.muted = true;  // never play your own microphone back
    }
    tilesNode.appendChild(fragment);
    tiles[key] = { li: li, video: video, stream: new MediaStream() };
    return tiles[key];
  }

  function dropTile(key) {
    var tile = tiles[key];
    if (!tile) { return; }
    tile.video.srcObject = null;
    tile.li.remove();
    delete tiles[key];
  }

  function showTrack(key, track, on) {
    var tile = tiles[key];
    if (!tile) { return; }
    if (on) {
      tile.stream.getTracks().forEach(function (old) {
        if (old.kind === track.kind) { tile.stream.removeTrack(old); }
      });
      tile.stream.addTrack(track);
    } else {
      tile.stream.getTracks().forEach(function (old) {
        if (old.id === track.id) { tile.stream.removeTrack(old); }
      });
    }
    if (tile.video.srcObject !== tile.stream) { tile.video.srcObject = tile.stream; }
    var playing = tile.video.play();
    if (playing && playing.catch) { playing.catch(function () {}); }
  }

  function end(text, state) {
    if (finished) { return; }
    finished = true;
    setState(state);
    say(text);
    Object.keys(tiles).forEach(dropTile);
    micButton.hidden = true;
    cameraButton.hidden = true;
    leaveButton.hidden = true;
    joinForm.hidden = true;
    if (janus) {
      try { janus.destroy({ cleanupHandles: true }); } catch (ignored) { /* already gone */ }
    }
  }

  function refused(reason) {
    end(fillText(text.refused, { reason: reason }), "refused");
  }

  function subscribe(feed) {
    var id = feed.id;
    if (subscribers[id] || id === config.id) { return; }
    if (Object.keys(subscribers).length + 1 >= config.maxParticipants) { return; }
    tileFor(id, feed.display || text.circleMember, false);
    janus.attach({
      plugin: "janus.plugin.videoroom",
      success: function (handle) {
        subscribers[id] = handle;
        handle.send({ message: {
          request: "join", ptype: "subscriber", room: config.room, token: config.token,
          private_id: privateId, streams: [{ feed: id }]
        } });
      },
      error: function () { dropTile(id); },
      onmessage: function (msg, jsep) {
        var handle = subscribers[id];
        if (msg.error) {
          if (msg.error_code === 433) { refused(msg.error); }
          return;
        }
        if (jsep && handle) {
          handle.createAnswer({
            jsep: jsep,
            tracks: [{ type: "data" }],
            media: { audioSend: false, videoSend: false },
            success: function (answer) {
              handle.send({ message: { request: "start", room: config.room }, jsep: answer });
            },
            error: function () { say(text.pictureFailed); }
          });
        }
      },
      onremotetrack: function (track, mid, on) { showTrack(id, track, on); },
      oncleanup: function () { dropTile(id); delete subscribers[id]; }
    });
  }

  function unsubscribe(id) {
    var handle = subscribers[id];
    delete subscribers[id];
    dropTile(id);
    if (handle) { handle.detach(); }
  }

  function publishersIn(msg) {
    (msg.publishers || []).forEach(subscribe);
  }

  function onPublisherMessage(msg, jsep) {
    if (jsep) { publisher.handleRemoteJsep({ jsep: jsep }); }
    var event = msg.videoroom;
    if (msg.error) {
      if (msg.error_code === 433 || msg.error_code === 403) { refused(msg.error); }
      else { say(fillText(text.wentWrong, { error: msg.error })); }
      return;
    }
    if (event === "joined") {
      privateId = msg.private_id;
      setState("joined");
      say(text.inRoom);
      publish();
      publishersIn(msg);
    } else if (event === "event") {
      publishersIn(msg);
      if (msg.leaving === "ok" && msg.reason === "kicked") {
        end(text.noLongerIn, "ended");
        return;
      }
      // Someone left, stopped sending, or was put out by the site.
      [msg.leaving, msg.unpublished, msg.kicked].forEach(function (gone) {
        if (gone && gone !== "ok") { unsubscribe(gone); }
      });
      if (msg.moderation === "muted") {
        say(text.mutedByFacilitator);
      }
    } else if (event === "destroyed") {
      end(text.roomClosed, "ended");
    }
  }

  function publish() {
    publisher.createOffer({
      tracks: [
        { type: "audio", capture: true, recv: false },
        // config.video: optional camera constraints (e.g. a smaller picture).
        { type: "video", capture: config.video || true, recv: false }
      ],
      success: function (offer) {
        publisher.send({
          message: { request: "configure", audio: true, video: true },
          jsep: offer
        });
        publisher.muteAudio();  // join muted: the other people hear nothing until you choose
        micButton.hidden = false;
        cameraButton.hidden = false;
        micButton.focus();
      },
      error: function (error) {
        say(fillText(text.deviceFailed, { error: error && error.message || error }));
      }
    });
  }

  function attachPublisher() {
    janus.attach({
      plugin: "janus.plugin.videoroom",
      success: function (handle) {
        publisher = handle;
        window.connectVideo.publisher = handle;
        handle.send({ message: {
          request: "join", ptype: "publisher", room: config.room, id: config.id,
          display: config.display, token: config.token
        } });
      },
      error: function (error) { refused(String(error)); },
      onmessage: onPublisherMessage,
      onlocaltrack: function (track, on) {
        if (track.kind !== "video") { return; }
        tileFor("self", config.display, true);
        showTrack("self", track, on);
      },
      webrtcState: function (up) {
        if (up) { setState("publishing"); }
      }
    });
  }

  function askForPass() {
    joinButton.disabled = true;
    say(text.joining);
    setState("joining");
    fetch(pageData.passUrl, {
      method: "POST", body: new FormData(joinForm), credentials: "same-origin",
      redirect: "manual", headers: { "Accept": "application/json" }
    }).then(function (response) {
      if (response.status === 200) {
        return response.json().then(function (pass) { config = pass; start(); });
      }
      if (response.status === 409) {
        return response.json().then(function (body) {
          setState("closed");
          say(body.error);
          joinButton.disabled = false;
        });
      }
      refused(text.notMember);
    }).catch(function () {
      setState("ready");
      say(text.unreachable);
      joinButton.disabled = false;
    });
  }

  function start() {
    Janus.init({
      debug: false,
      dependencies: Janus.useDefaultDependencies({ adapter: window.adapter }),
      callback: function () {
        janus = new Janus({
          server: config.server,
          token: config.token,
          iceServers: config.iceServers.length ? config.iceServers : undefined,
          success: function () {
            connected = true;
            joinForm.hidden = true;
            leaveButton.hidden = false;
            attachPublisher();
          },
          error: function (error) {
            // Before the session exists: Janus refused the token. After: the
            // session ended (the pass was revoked, or the connection was lost).
            if (connected) { end(text.noLongerIn, "ended"); }
            else { refused(String(error)); }
          },
          destroyed: function () {
            if (!finished) { end(text.noLongerIn, "ended"); }
          }
        });
      }
    });
  }

  joinForm.addEventListener("submit", function (event) {
    event.preventDefault();
    askForPass();
  });
  leaveButton.addEventListener("click", function () {
    end(text.left, "left");
  });
  micButton.addEventListener("click", function () {
    if (!publisher) { return; }
    if (publisher.isAudioMuted()) {
      publisher.unmuteAudio();
      micButton.textContent = text.micOnButton;
      micButton.setAttribute("aria-pressed", "true");
      say(text.micOn);
    } else {
      publisher.muteAudio();
      micButton.textContent = text.micOffButton;
      micButton.setAttribute("aria-pressed", "false");
      say(text.micOff);
    }
  });
  cameraButton.addEventListener("click", function () {
    if (!publisher) { return; }
    if (publisher.isVideoMuted()) {
      publisher.unmuteVideo();
      cameraButton.textContent = text.cameraOnButton;
      cameraButton.setAttribute("aria-pressed", "true");
      say(text.cameraOn);
    } else {
      publisher.muteVideo();
      cameraButton.textContent = text.cameraOffButton;
      cameraButton.setAttribute("aria-pressed", "false");
      say(text.cameraOff);
    }
  });
  window.addEventListener("pagehide", function () {
    if (janus) { try { janus.destroy({ unload: true }); } catch (ignored) { /* leaving */ } }
  });
}());
