#!/usr/bin/env python3
"""Turns three public reply-parser test suites into cases for FollowUp's quote stripping (PeerSuiteTests).

    python3 scripts/peer-suites.py GITHUB_DIR ZAPIER_DIR TALON_DIR > /tmp/peer-cases.json
    FOLLOWUP_PEER_CASES=/tmp/peer-cases.json dotnet test tests/FollowUp.Tests -c Release --filter PeerSuiteTests

Each DIR is a checkout of github/email_reply_parser, zapier/email-reply-parser or mailgun/talon. Their files are
read where they are and never copied into this project. Each case is a message body with the expectation its
suite states for it:
- github and zapier assert on their parser's fragments; what those assertions say of the reply's visible text is
  written out below as checks on the text FollowUp keeps (the reply must contain..., must not contain...);
- talon's tests are run with its quotations module replaced by a recorder: every eq_(expected,
  extract_from_plain(body)) or extract_from_html(body) they make becomes a case, compared with whitespace removed
  (talon's HTML tests compare that way) and, for HTML, on the expected HTML's text.
Only the standard library is used.
"""
import json
import os
import re
import sys
import types

github_dir, zapier_dir, talon_dir = sys.argv[1:4]


def read(path):
    with open(path, encoding="utf-8", newline="") as f:
        return f.read()


# github/email_reply_parser: test/email_reply_parser_test.rb, assertion by assertion, on the visible text.
GITHUB = [
    ("reads_simple_body", "email_1_1", {"contains": ["Hi folks", "I am currently using the Java HTTP API."], "lacks": ["-Abhishek Kona", "riak-users mailing list"]}),
    ("reads_top_post", "email_1_3", {"contains": ["Oh thanks.", "Having the function would be great."], "lacks": ["-Abhishek Kona", "Russell Brown wrote"]}),
    ("reads_bottom_post", "email_1_2", {"contains": ["Hi,", "You can list the keys for the bucket"], "lacks": ["riak-users mailing list"]}),
    ("reads_inline_replies", "email_1_8", {"contains": ["I will reply under this one", "and under this."], "lacks": ["Hey there, this is my signature"]}),
    ("recognizes_date_string_above_quote", "email_1_4", {"contains": ["Awesome"], "lacks": ["Loader seems to be working well"]}),
    ("a_complex_body_with_only_one_fragment", "email_1_5", {"contains": ["One: Here's what I've got.", "This is a paragraph that talks about a bunch of stuff."]}),
    ("reads_email_with_correct_signature", "correct_sig", {"contains": ["this is an email with a correct -- signature."], "lacks": ["rick"]}),
    ("deals_with_multiline_reply_headers", "email_1_6", {"contains": ["I get proper rendering as well."], "lacks": ["Was this caching related"]}),
    ("deals_with_windows_line_endings", "email_1_7", {"contains": [":+1:"], "lacks": ["Steps 0-2"]}),
    ("parse_out_just_top_for_outlook_reply", "email_2_1", {"equals": "Outlook with a reply"}),
    ("parse_out_just_top_for_outlook_with_reply_directly_above_line", "email_2_2", {"equals": "Outlook with a reply directly above line"}),
    ("parse_out_just_top_for_outlook_with_no_line", "email_2_3", {"equals": "Outlook with a reply directly above line"}),
    ("parse_out_sent_from_iPhone", "email_iPhone", {"equals": "Here is another email"}),
    ("parse_out_sent_from_BlackBerry", "email_BlackBerry", {"equals": "Here is another email"}),
    ("parse_out_send_from_multiword_mobile_device", "email_multi_word_sent_from_my_mobile_device", {"equals": "Here is another email"}),
    ("do_not_parse_out_send_from_in_regular_sentence", "email_sent_from_my_not_signature", {"equals": "Here is another email\n\nSent from my desk, is much easier then my mobile phone."}),
    ("retains_bullets", "email_bullets", {"equals": "test 2 this should list second\n\nand have spaces\n\nand retain this formatting\n\n\n   - how about bullets\n   - and another"}),
    ("one_is_not_on", "email_one_is_not_on", {"contains": ["One outstanding question"], "lacks": ["Dave Tapley wrote"]}),
    ("mulitple_on", "greedy_on", {"contains": ["On your remote host you can run:", "telnet 127.0.0.1 52698"], "lacks": ["George Plymale wrote", "I am having an odd issue"]}),
    ("pathological_emails", "pathological", {"contains": ["I think you're onto something."], "lacks": ["John Sullivan"]}),
    ("doesnt_remove_signature_delimiter_in_mid_line", "email_sig_delimiter_in_middle_of_line", {"contains": ["And here is a fix -- this is not a signature.", "kthxbai"]}),
    ("long_quote_processing_completes", "email_long_quote", {"contains": ["Hi folks"]}),
]

# zapier/email-reply-parser: test/test_email_reply_parser.py.
ZAPIER = [
    ("simple_body", "email_1_1", {"contains": ["folks"], "lacks": ["riak-users"]}),
    ("reads_bottom_message", "email_1_2", {"contains": ["Hi,"], "lacks": ["riak-users"]}),
    ("reads_inline_replies", "email_1_8", {"contains": ["I will reply under this one", "and under this."], "lacks": ["Hey there, this is my signature"]}),
    ("reads_top_post", "email_1_3", {"contains": ["Oh thanks."], "lacks": ["Russell Brown wrote"]}),
    ("multiline_reply_headers", "email_1_6", {"contains": ["I get"], "lacks": ["Corey Donohoe"]}),
    ("captures_date_string", "email_1_4", {"contains": ["Awesome"], "lacks": ["Loader"]}),
    ("complex_body_with_one_fragment", "email_1_5", {"contains": ["One: Here's what I've got.", "for a while."]}),
    ("verify_reads_signature_correct", "correct_sig", {"contains": ["this is an email with a correct -- signature."], "lacks": ["rick"]}),
    ("deals_with_windows_line_endings", "email_1_7", {"contains": [":+1:"], "lacks": ["Steps 0-2"]}),
    ("reply_is_parsed", "email_1_2", {"contains": ["You can list the keys for the bucket"]}),
    ("reply_from_gmail", "email_gmail", {"equals": "This is a test for inbox replying to a github message."}),
    ("parse_out_just_top_for_outlook_reply", "email_2_1", {"equals": "Outlook with a reply"}),
    ("parse_out_just_top_for_outlook_with_reply_directly_above_line", "email_2_2", {"equals": "Outlook with a reply directly above line"}),
    ("parse_out_just_top_for_outlook_with_unusual_headers_format", "email_2_3", {"equals": "Outlook with a reply above headers using unusual format"}),
    ("sent_from_iphone", "email_iPhone", {"lacks": ["Sent from my iPhone"], "contains": ["Here is another email"]}),
    ("email_one_is_not_on", "email_one_is_not_on", {"lacks": ["On Oct 1, 2012, at 11:55 PM, Dave Tapley wrote:"], "contains": ["One outstanding question"]}),
    ("partial_quote_header", "email_partial_quote_header", {"contains": ["On your remote host you can run:", "telnet 127.0.0.1 52698", "This should connect to TextMate"]}),
    ("email_headers_no_delimiter", "email_headers_no_delimiter", {"equals": "And another reply!"}),
    ("multiple_on", "greedy_on", {"contains": ["On your remote host"], "lacks": ["On 9 Jan 2014"]}),
    ("pathological_emails", "pathological", {"contains": ["I think you're onto something."]}),
    ("doesnt_remove_signature_delimiter_in_mid_line", "email_sig_delimiter_in_middle_of_line", {"contains": ["kthxbai"]}),
]

cases = []
for suite, root, table in (("github/email_reply_parser", github_dir, GITHUB), ("zapier/email-reply-parser", zapier_dir, ZAPIER)):
    for test, fixture, expect in table:
        path = os.path.join(root, "test", "emails", fixture + ".txt")
        if os.path.exists(path):
            cases.append({"suite": suite, "id": f"{test} ({fixture})", "kind": "plain", "body": read(path), "expect": expect})
cases.append({"suite": "github/email_reply_parser", "id": "handles_non_ascii_characters", "kind": "plain", "body": "Here\u2019s a test.", "expect": {"equals": "Here\u2019s a test."}})


# mailgun/talon: run its quotation tests against a recorder.
class Pending(str):
    """What extract_from_* returns here: a token standing for FollowUp's answer, recorded when a test compares it."""
    made = {}

    def __new__(cls, kind, body):
        token = f"\u0002{len(cls.made)}\u0003"
        value = super().__new__(cls, token)
        cls.made[token] = (kind, body)
        return value


class Unsupported(Exception):
    pass


current = {"test": None, "n": 0}


def eq_(a, b, msg=None):
    for expected, actual in ((a, b), (b, a)):
        if isinstance(actual, str) and not isinstance(expected, Pending):
            tokens = re.findall("\u0002\\d+\u0003", actual)
            if len(tokens) == 1 and actual.strip() == tokens[0]:
                kind, body = Pending.made[tokens[0]]
                current["n"] += 1
                cases.append({"suite": "mailgun/talon", "id": f"{current['test']}#{current['n']}", "kind": kind, "body": body,
                              "expect": {"equalsIgnoringWhitespace": expected}})
                return
    raise Unsupported()



quotations = types.SimpleNamespace(
    extract_from_plain=lambda body: Pending("plain", body),
    extract_from_html=lambda body: Pending("html", body),
    extract_from=lambda body, content_type="text/plain": Pending("html" if "html" in content_type else "plain", body),
    MAX_LINES_COUNT=1000)


class Dummy:
    """Anything else a test touches (talon's helpers, mocks): it goes along and is never recorded."""
    def __call__(self, *args, **kwargs):
        return self

    def __getattr__(self, name):
        return self


class Anything(types.ModuleType):
    def __getattr__(self, name):
        return getattr(quotations, name) if hasattr(quotations, name) else Dummy()


class Patch:
    def __call__(self, *args, **kwargs):
        return lambda f: f

    def object(self, *args, **kwargs):
        return lambda f: f


fake_quotations = Anything("talon.quotations")
names = {"eq_": eq_, "ok_": Dummy(), "assert_false": Dummy(), "assert_true": Dummy(), "patch": Patch(), "Mock": Dummy(),
         "quotations": fake_quotations, "u": Anything("talon.utils"), "re": re, "os": os}

os.chdir(talon_dir)
sys.path.insert(0, talon_dir)
import email, email.iterators, io  # noqa: E401,E402
names.update({"email": email, "StringIO": io.StringIO, "six": types.SimpleNamespace(text_type=str, StringIO=io.StringIO), "range": range})
fixtures = {}
exec(compile(read(os.path.join("tests", "fixtures", "__init__.py")), "fixtures", "exec"), fixtures)
names.update({k: v for k, v in fixtures.items() if k.isupper()})
names["STANDARD_REPLIES"] = fixtures.get("STANDARD_REPLIES", "tests/fixtures/standard_replies")
for module in ("text_quotations_test.py", "html_quotations_test.py"):
    source = read(os.path.join("tests", module))
    source = re.sub(r"^(?:from|import)\s+(?:\.|talon|tests|nose|mock|unittest|six|__future__)[^\n(]*(?:\([^)]*\))?[^\n]*\n", "", source, flags=re.M)
    scope = dict(names)
    exec(compile(source, module, "exec"), scope)
    for name, test in list(scope.items()):
        if not name.startswith("test_") or not callable(test):
            continue
        current.update(test=name, n=0)
        try:
            result = test()
            if isinstance(result, types.GeneratorType):
                for step in result:
                    try:
                        step[0](*step[1:])
                    except Unsupported:
                        pass
        except Unsupported:
            pass
        except Exception:
            pass

json.dump(cases, sys.stdout, ensure_ascii=False, indent=1)
print(len(cases), "cases", file=sys.stderr)
