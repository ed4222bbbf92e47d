"""SG-2: Waypoint never promises secrecy (research/domain.md). A promise of secrecy has many
wordings, so this reads the grammar of one, not a list of sentences: a speaker (I, we, you,
Jo, Waypoint), a negative (not, never, won't), a verb of telling (tell, say, share, pass on,
let ... know) and who would not be told; "nobody will know"; "keep it secret"; "it stays
between us"; "this chat is private".

English only; other languages keep their `secrecy` phrase list in content/lint/<language>.toml.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from bot.content.findings import Finding, Severity
from bot.content.lint_grammar import normal

HINT = 'never promise secrecy: say who will know ("I will tell {worker} so they can help")'

_SPEAKER = r"(?:i|we|you|jo|waypoint|staff|your worker|the bot|this bot|they)"
_NEGATIVE = (
    r"(?:(?:will|would|shall|do|does|did|can|could|must|should|am|are|is)\s+)?(?:not|never)\s+"
    r"(?:ever\s+)?(?:be\s+)?(?:going\s+to\s+)?(?:ever\s+)?"
)
# Who would not be told: anyone at all, a person or service, or the thing said.
_ANYONE = (
    r"(?:anyone|anybody|any\s+one|no\s*one|no-one|nobody|a\s+soul|a\s+single\s+(?:person|soul)"
    r"|others|other\s+people|people|them|him|her|anyone\s+else|your\s+[a-z]+|the\s+[a-z]+"
    r"|my\s+[a-z]+|their\s+[a-z]+|his\s+[a-z]+)"
)
_THE_THING = (
    r"(?:it|this|that|anything|a\s+word|a\s+thing|a\s+single\s+word|what\s+you|anything\s+you"
    r"|everything|nothing|your\s+(?:secrets?|messages?|words|chats?|information|details|story)"
    r"|our\s+chat|what\s+is\s+said|what\s+is\s+written)"
)
_END = r"(?:\s*(?:[,;:.!?]|$)|\s+(?:about|unless|if|even|ever|without|because)\b)"
_TELLING = (
    rf"(?:tell(?:ing)?\s+(?:{_ANYONE}|{_THE_THING}|on\s+\w+)\b|tell(?:ing)?{_END}"
    rf"|(?:say|repeat|mention|breathe)(?:ing)?\s+(?:{_THE_THING}\b|to\s+{_ANYONE}\b)"
    rf"|(?:say|repeat|mention)(?:ing)?{_END}"
    rf"|(?:share|sharing|report|reveal|show)\s+(?:{_THE_THING}\b|with\s+{_ANYONE}\b)"
    rf"|(?:share|sharing|report|reveal){_END}"
    rf"|pass(?:ing)?\s+(?:{_THE_THING}\s+|your\s+\w+\s+)?on\b"
    rf"|let\s+{_ANYONE}\s+know\b|give\s+(?:{_THE_THING}|you)\s+away\b|grass(?:\s+on|{_END})"
    r"|spill\b)"
)
_PROMISES = (
    # "I won't tell anyone", "we will never share it", "Jo will not pass it on".
    re.compile(rf"\b{_SPEAKER}\s+{_NEGATIVE}{_TELLING}"),
    # "I promise not to tell", "promise you I will never say anything".
    re.compile(
        rf"\bpromise\s+(?:you\s+)?(?:that\s+)?(?:(?:i|we|jo)\s+)?(?:will\s+)?(?:not|never)\s+"
        rf"(?:to\s+)?{_TELLING}"
    ),
    # "you can trust me not to tell".
    re.compile(rf"\btrust\s+(?:me|us|jo)\s+(?:not|never)\s+to\s+{_TELLING}"),
    # "This will not be shared", "nothing you say will be passed on".
    re.compile(
        r"\b(?:will|would|is|are|gets?|shall)\s+(?:not|never)\s+(?:ever\s+)?(?:be\s+|get\s+)?"
        r"(?:shared|passed\s+on|told(?!\s+off)|repeated|reported|shown|given\s+out)\b(?!\s+by)"
    ),
    re.compile(
        r"\bnothing\s+(?:you\s+\w+\s+)?(?:\w+\s+)?(?:will|is|gets)\s+(?:be\s+|get\s+)?"
        r"(?:shared|passed\s+on|told|repeated|reported)\b"
    ),
    # "nobody will know", "no one else needs to find out".
    re.compile(
        r"\b(?:no\s*one|no-one|nobody|not\s+anyone|not\s+a\s+soul|none\s+of\s+them)\s+"
        r"(?:else\s+)?(?:here\s+|(?:at|in|from|on)\s+(?:the\s+|your\s+|this\s+)?[a-z]+\s+)?"
        r"(?:else\s+)?(?:will|would|is\s+going\s+to|needs?\s+to|has\s+to|have\s+to"
        r"|shall|can|could|must|gets?\s+to|is\s+ever\s+going\s+to)?\s*(?:ever\s+)?(?:know|knows"
        r"|find\s+out|finds\s+out|hear|hears|see|sees|read|reads|learn|be\s+told|get\s+told)\b"
    ),
    # "your mum will not find out", "the school will never know".
    re.compile(
        r"\b(?:your\s+[a-z]+|they|he|she|anyone|anybody|the\s+[a-z]+|school|staff|jo)\s+"
        r"(?:will|would|is\s+going\s+to|are\s+going\s+to|need|needs)\s+(?:not|never)\s+"
        r"(?:ever\s+)?(?:to\s+)?(?:find\s+out|know\b(?!\s+(?:how|where|when|which|the))"
        r"|hear\s+about|be\s+told|learn|see\s+(?:it|this|that|what))"
    ),
    # "it stays between us", "just between you and me", "between the two of us".
    re.compile(
        r"\bbetween\s+(?:you\s+and\s+(?:me|i|us)|me\s+and\s+you|the\s+two\s+of\s+us|ourselves"
        r"|us\s+two)\b|\b(?:stays?|staying|remains?|is|be|just|only|strictly|kept)\s+"
        r"(?:just\s+|only\s+)?between\s+us\b"
    ),
    # "our secret", "your secret is safe with me", "it is safe with me".
    re.compile(
        r"\b(?:our\s+(?:little\s+)?secret|a\s+secret\s+between|secrets?(?:'s|\s+is|\s+are"
        r"|\s+will\s+be)\s+safe|(?:it|this|that)\s+(?:is|will\s+be)\s+safe\s+with\s+"
        r"(?:me|us|jo)|my\s+lips\s+are\s+sealed|mum's\s+the\s+word)\b"
    ),
    # "only you and I will know", "only the two of us", "only you can see this".
    re.compile(r"\bonly\s+(?:you\s+and\s+(?:i|me)|me\s+and\s+you|the\s+two\s+of\s+us|us\s+two)\b"),
    re.compile(
        r"\bonly\s+(?:you|me|us|we|i)\s+(?:can|will|could|get\s+to)\s+(?:ever\s+)?(?:see|read|know"
        r"|hear)\b"
    ),
    # "this is just for you and me to know", "for your eyes only".
    re.compile(
        r"\bfor\s+(?:you\s+and\s+(?:me|i)|me\s+and\s+you|us(?:\s+two)?|the\s+two\s+of\s+us)"
        r"\s+(?:alone\s+)?to\s+know\b|\bfor\s+your\s+eyes\s+only\b"
    ),
    # "you are anonymous here".
    re.compile(r"\byou\s+(?:are|will\s+be|stay)\s+(?:completely\s+|totally\s+)?anonymous\b"),
    # "it will not go any further", "what you say here stays here".
    re.compile(
        r"\b(?:it|this|that|what\s+you\s+\w+(?:\s+\w+)?)\s+(?:will\s+)?(?:not|never)\s+go\s+"
        rf"(?:(?:any\s+)?(?:further|beyond|anywhere)\b|to\s+{_ANYONE}\b)"
        r"|\b(?:it|this|that|what\s+you\s+\w+(?:\s+\w+)?)\s+(?:will\s+)?(?:not|never)\s+(?:leave|get"
        r"\s+out\s+of)\s+(?:this|the|our|here)\b"
        r"|\b(?:it|this|that|(?:your\s+)?secrets?|(?:this|our|your)\s+(?:chat|conversation|talk"
        r"|messages?|words)|(?:everything|anything)(?:\s+you\s+(?:say|tell|write|share)"
        r"(?:\s+\w+){0,2})?|what(?:\s+\w+){1,3})\s+(?:stays?|will\s+stay|remains?)\s+"
        r"(?:here|with\s+(?:me|us)|between\s+us)\b"
    ),
    # "in confidence", "off the record", "confidential" as a promise.
    re.compile(r"\b(?:in\s+confidence|off\s+the\s+record|confidential(?:ly|ity)?|hush[- ]hush)\b"),
)
# "keep it secret", "I will keep your secret": fine after a negative ("I can not keep secrets").
_KEEPING = (
    re.compile(
        r"\bkeep(?:s|ing)?\s+(?:it|this|that|it\s+all|(?:everything|anything|what)(?:\s+you\s+\w+"
        r"(?:\s+\w+)?)?|(?:all\s+)?(?:(?:your|our|the|this|these)\s+)?(?:chats?|talks?|messages?"
        r"|conversations?|words))\s+(?:just\s+)?(?:a\s+|our\s+)?(?:secret|to\s+(?:myself"
        r"|ourselves|ourself|me|us)|quiet|hush|under\s+wraps|anonymous"
        r"|between\s+us|confidential|private|on\s+the\s+quiet|on\s+the\s+down\s*low"
        r"|for\s+(?:us|me|you\s+and\s+me))\b"
    ),
    re.compile(
        r"\b(?:i|we|jo|waypoint)\b(?:\s+[a-z']+){0,3}?\s+(?:keep|keeps|kept|keeping)\s+"
        r"(?:(?:your|a|the|any|our|all\s+your)\s+)?secrets?\b"
        r"|\b(?:i|we)\s+(?:am|are)\s+good\s+at\s+keeping\s+secrets\b"
        r"|\bkeep\s+(?:quiet|schtum|shtum|mum)\s+about\b"
    ),
)
# "this chat is private", "what you tell me is confidential", "everything stays secret".
_PRIVATE = re.compile(
    r"\b(?:this|it|that|all\s+of\s+(?:it|this)|(?:what|everything|anything)(?:\s+you\s+(?:say"
    r"|tell|write|share)(?:\s+\w+){0,3})?|(?:this|our|your)\s+(?:chat|conversation|talk"
    r"|messages?|words|information|details|story|data|secrets?))\s+(?:is|are|will\s+be|stays?|will\s+stay"
    r"|remains?|will\s+remain|is\s+kept|are\s+kept|will\s+be\s+kept)\s+(?:\w+\s+)?"
    r"(?:private|secret|anonymous|just\s+for\s+(?:me|us)|between\s+us)\b"
)
_PERSONAL_DETAILS = re.compile(
    r"\s*(?:your\s+(?:password|passwords|pin|address|home\s+address|phone\s+number|number"
    r"|bank|card|details|location|full\s+name|school|login)|where\s+you\s+(?:live|are|go))\b"
)
_CLAUSE_START = re.compile(r"[,;:]|\b(?:but|and|so|because|then)\b")
_NEGATED = re.compile(r"\b(?:not|never)\b")


def negated_before(text: str, start: int) -> bool:
    """Whether the clause before `start` is negative: "I can not promise I will not tell"."""
    before = text[:start]
    clause = _CLAUSE_START.split(before)[-1]
    return _NEGATED.search(clause) is not None


def secrecy(sentence: str) -> Iterator[Finding]:
    """SG-2: any promise of secrecy, in any ordinary English wording."""
    text = normal(sentence)
    for pattern in (*_PROMISES, *_KEEPING, _PRIVATE):
        for match in pattern.finditer(text):
            if negated_before(text, match.start()):
                continue
            # "I can not keep secrets": the negative is inside the match, before "keep".
            if pattern in _KEEPING and _NEGATED.search(match.group().split("keep")[0]):
                continue
            # "You should never tell anyone your password" is online safety, not secrecy.
            if _PERSONAL_DETAILS.match(text[match.end() :]):
                continue
            yield Finding("SG-2", Severity.FAIL, f"'{match.group().strip(' ,.!?')}': {HINT}")
            return
