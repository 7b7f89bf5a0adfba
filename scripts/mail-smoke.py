#!/usr/bin/env python3
"""Smoke test of a running FollowUp mail stack (scripts/mail-up.sh), stdlib only.

Usage: SMTP_PORT=2525 IMAP_PORT=1143 MAIL_PASS=secret python3 scripts/mail-smoke.py
       (or: set -a; . /tmp/followup-servers/test.env; set +a; python3 scripts/mail-smoke.py)

Checks: plus addressing (a+tok@d lands in a@d, Delivered-To keeps the token), IDLE/MOVE/UIDPLUS/SPECIAL-USE,
\\Seen + MOVE to Archive + APPEND to Sent, IDLE push, 550 at RCPT for *@reject.test, a DSN for *@bounce.test in
the envelope sender's mailbox, SMTP AUTH, wrong IMAP password refused. Prints "MAIL SMOKE OK" and the timings.
"""
import imaplib
import os
import smtplib
import threading
import time
import uuid
from email.message import EmailMessage

SMTP = ("127.0.0.1", int(os.environ.get("SMTP_PORT", 2525)))
IMAP = ("127.0.0.1", int(os.environ.get("IMAP_PORT", 1143)))
PW = os.environ.get("MAIL_PASS", "secret")
TOK = uuid.uuid4().hex[:8]
DOM = f"x{TOK}.test"


def send(frm, to, subject, auth=None, mail_options=(), rcpt_options=()):
    m = EmailMessage()
    m["From"], m["To"], m["Subject"] = frm, to, subject
    m["Message-ID"] = f"<{uuid.uuid4()}@clinic.test>"
    m.set_content("body")
    with smtplib.SMTP(*SMTP, timeout=10) as s:
        if auth:
            s.login(*auth)
        s.send_message(m, from_addr=frm, to_addrs=[to], mail_options=list(mail_options), rcpt_options=list(rcpt_options))
    return m["Message-ID"]


def imap(user):
    c = imaplib.IMAP4(*IMAP, timeout=10)
    c.login(user, PW)
    return c


def wait_uids(user, *crit, box="INBOX", timeout=15):
    end = time.time() + timeout
    while time.time() < end:
        c = imap(user)
        c.select(box)
        uids = c.uid("SEARCH", None, *crit)[1][0].split()
        c.logout()
        if uids:
            return uids
        time.sleep(0.05)
    raise SystemExit(f"FAIL: nothing for {user} {crit} in {box} after {timeout} s")


def step(name, t0):
    print(f"  ok  {name} ({time.time() - t0:.2f} s)")


# 1. plus addressing: a+TOK@DOM is delivered to mailbox a@DOM, Delivered-To keeps the token
t = time.time()
mid = send("clinic@clinic.test", f"a+{TOK}@{DOM}", f"plus {TOK}")
uid = wait_uids(f"a@{DOM}", "HEADER", "Message-ID", mid)[0]
c = imap(f"a@{DOM}")
c.select("INBOX")
hdr = c.uid("FETCH", uid, "(BODY.PEEK[HEADER.FIELDS (DELIVERED-TO TO)])")[1][0][1].decode()
assert f"a+{TOK}@{DOM}" in hdr, hdr
caps = c.capability()[1][0].split()
for cap in (b"IDLE", b"MOVE", b"UIDPLUS", b"SPECIAL-USE"):
    assert cap in caps, (cap, caps)
c.uid("STORE", uid, "+FLAGS", r"(\Seen)")
assert c.uid("MOVE", uid, "Archive")[0] == "OK"
assert c.append("Sent", r"(\Seen)", None, b"Subject: appended\r\n\r\nx\r\n")[0] == "OK"
c.select("Archive")
assert b"\\Seen" in c.uid("FETCH", "1:*", "(FLAGS)")[1][0]
c.logout()
step(f"a+{TOK}@{DOM} -> mailbox a@{DOM} (Delivered-To kept), IDLE MOVE UIDPLUS SPECIAL-USE, Seen/MOVE/APPEND", t)

# 2. IDLE push
t = time.time()
c = imap(f"idle@{DOM}")
c.select("INBOX")
tag = c._new_tag()
c.send(tag + b" IDLE\r\n")
assert c.readline().startswith(b"+")
threading.Thread(target=send, args=("a@clinic.test", f"idle@{DOM}", "ping")).start()
c.sock.settimeout(10)
assert c.readline().strip().endswith(b"EXISTS")
c.send(b"DONE\r\n")
c.readline()
c.logout()
step("IDLE told '* n EXISTS' after a send", t)

# 3. reject.test: 550 at RCPT
t = time.time()
try:
    send("clinic@clinic.test", f"anyone@reject.test", "rejected")
    raise SystemExit("FAIL: anyone@reject.test was accepted")
except smtplib.SMTPRecipientsRefused as e:
    code, msg = e.recipients["anyone@reject.test"]
    assert code == 550, (code, msg)
step(f"anyone@reject.test refused at RCPT: 550 {msg.decode()}", t)

# 4. bounce.test: accepted, then a DSN to the envelope sender's mailbox (bounces+TOK@DOM -> bounces@DOM)
t = time.time()
send(f"bounces+{TOK}@{DOM}", "nobody@bounce.test", "will bounce",
     mail_options=[f"ENVID=env-{TOK}", "RET=HDRS"], rcpt_options=["NOTIFY=FAILURE,DELAY"])
uid = wait_uids(f"bounces@{DOM}", "SUBJECT", "Undelivered")[0]
c = imap(f"bounces@{DOM}")
c.select("INBOX")
raw = c.uid("FETCH", uid, "(RFC822)")[1][0][1].decode(errors="replace")
c.logout()
for needle in ("multipart/report", "report-type=delivery-status", f"Original-Envelope-Id: env-{TOK}",
               "Action: failed", "Status: 5.1.1", "Final-Recipient: rfc822; nobody@bounce.test"):
    assert needle in raw, needle
step("nobody@bounce.test accepted, DSN (5.1.1, Original-Envelope-Id) in bounces@" + DOM, t)

# 5. SMTP AUTH works, wrong IMAP password refused
t = time.time()
send("app@clinic.test", f"auth@{DOM}", "auth", auth=("app@clinic.test", PW))
wait_uids(f"auth@{DOM}", "SUBJECT", "auth")
try:
    imaplib.IMAP4(*IMAP).login(f"auth@{DOM}", PW + "-wrong")
    raise SystemExit("FAIL: wrong password accepted")
except imaplib.IMAP4.error:
    pass
step("SMTP AUTH PLAIN accepted; wrong IMAP password refused", t)

print("MAIL SMOKE OK")
