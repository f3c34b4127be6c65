"""One chat user on Debian's python3-socketio (python-socketio 5.7, python-engineio 4.3) with its DEFAULT options
(long-polling, then the upgrade to WebSocket; reconnection on), held connected across every server timer while it
chats. Run by DefaultClientsSoakTest (and scripts/hardening's soak); prints one line "SOAK-SUMMARY {json}" at the end.

Environment: SERVER_URL, TENANT, TOKEN, NAME, ROOM, START_AT and END_AT (epoch ms: send one message every
SEND_EVERY_MS between them), LINGER_MS (listen this long after END_AT before reporting).
"""
import json
import os
import threading
import time

import socketio

env = os.environ
namespace = "/" + env["TENANT"]
room = env["ROOM"]
name = env["NAME"]
start_at = int(env["START_AT"]) / 1000
end_at = int(env["END_AT"]) / 1000
send_every = int(env.get("SEND_EVERY_MS", "2000")) / 1000
linger = int(env.get("LINGER_MS", "4000")) / 1000

summary = {
    "client": "python-socketio 5.7 (Debian)",
    "name": name,
    "connects": 0,
    "disconnects": [],
    "transports": [],
    "joinFailures": 0,
    "sent": [],
    "sendFailures": [],
    "received": {},
    "transport": None,
}
lock = threading.Lock()
sio = socketio.Client()


def joined(ack=None):
    if not isinstance(ack, dict) or ack.get("ok") is not True:
        with lock:
            summary["joinFailures"] += 1


@sio.on("connect", namespace=namespace)
def on_connect():
    with lock:
        summary["connects"] += 1
        summary["transports"].append(sio.transport())
    sio.emit("room:join", {"room": room}, namespace=namespace, callback=joined)


@sio.on("disconnect", namespace=namespace)
def on_disconnect():
    with lock:
        summary["disconnects"].append({"at": int(time.time() * 1000), "reason": "disconnect"})


@sio.on("connect_error", namespace=namespace)
def on_connect_error(data):
    with lock:
        summary["disconnects"].append({"at": int(time.time() * 1000), "reason": "connect_error: %s" % (data,)})


@sio.on("message", namespace=namespace)
def on_message(message):
    if not isinstance(message, dict) or message.get("room") != room:
        return
    with lock:
        summary["received"].setdefault(message.get("from"), []).append(message.get("text"))


def send(text):
    try:
        ack = sio.call("message:send", {"room": room, "text": text, "clientId": text}, namespace=namespace,
                       timeout=10)
        ok = isinstance(ack, dict) and ack.get("ok") is True
    except Exception as error:  # a timeout or a disconnect: counted as a failure
        ok = False
        ack = repr(error)
    with lock:
        if ok:
            summary["sent"].append(text)
        else:
            summary["sendFailures"].append("%s: %s" % (text, ack))


sio.connect(env["SERVER_URL"], namespaces=[namespace], auth={"token": env["TOKEN"]})
time.sleep(max(0.0, start_at - time.time()))
n = 0
while time.time() < end_at:
    n += 1
    threading.Thread(target=send, args=("%s#%d" % (name, n),), daemon=True).start()
    time.sleep(send_every)
time.sleep(max(0.0, end_at + linger - time.time()))
with lock:
    summary["transport"] = sio.transport() if sio.connected else None
    print("SOAK-SUMMARY " + json.dumps(summary), flush=True)
sio.disconnect()
