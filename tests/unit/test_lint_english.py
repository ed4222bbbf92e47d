"""The English grammar rules of the easy-read linter, on a development set of sentences that
must fire and sentences that must pass (written for these tests; the shipped content is the
other check, in test_lint.py). Rule ids from ../shared/research/domain.md."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bot.content.findings import Severity
from bot.content.lint import WordLists, lint_text

LISTS = WordLists.load()

FIRES: dict[str, list[str]] = {
    "SG-2": [
        "I won't tell anyone.",
        "I will not tell anybody what you said.",
        "We will never tell your mum.",
        "Don't worry, I won't say anything.",
        "I promise not to tell.",
        "I promise I won't tell a soul.",
        "Jo will not pass it on.",
        "We won't share this with anyone.",
        "I'm not going to tell your carers.",
        "I won't let anyone know.",
        "This stays between us.",
        "It's just between you and me.",
        "This is between the two of us.",
        "Nobody will know.",
        "No one else will find out.",
        "Nobody needs to know about this.",
        "I will keep it secret.",
        "Keep this to yourself and I will keep it to myself.",
        "I'll keep it private.",
        "I will keep your secret.",
        "Your secret is safe with me.",
        "It will be our secret.",
        "Only you and I will know.",
        "This chat is private.",
        "What you tell me is confidential.",
        "Everything you say here stays here.",
        "It won't go any further.",
        "Nothing you say will be passed on.",
        "This will not be shared with anyone.",
        "You can tell me in confidence.",
        "I won't tell.",
        "You won't tell anyone, will you?",
        "What you tell me won't go to anyone else.",
        "I'll keep this just for us.",
        "You can trust me not to tell.",
        "Your secret's safe.",
        "Your parents won't find out.",
        "My lips are sealed.",
        "We keep everything you say private.",
        "Confidentiality is important to us.",
        "This conversation is just between us.",
        "I'll never repeat what you said.",
        "Anything you say stays with me.",
        "I will not report this.",
        "Don't worry, I won't grass.",
        "No one will ever know.",
        "I can keep a secret.",
        "The school will never know.",
        "Whatever you say, it stays with me.",
        "You can tell me anything and I won't tell a soul.",
        "I'm not going to tell anyone about this.",
        "Don't worry, your secret is safe here.",
        "We don't share what you say with anyone.",
        "This is a private chat between you and me.",
        "Nobody else can see this chat.",
        "Only you can see these messages.",
        "No one else will ever read your messages.",
        "What happens here stays here.",
        "I'll keep quiet about it.",
        "I won't breathe a word.",
        "Your worker will never find out.",
        "I won't say nothing.",
        "We keep all chats anonymous.",
        "You're anonymous here.",
        "Everything you share is kept private.",
        "Your information is kept private.",
        "Your secret stays with me.",
        "Promise you won't tell anyone?",
        "Tell me and I won't tell anyone else.",
        "No one will hear about it from me.",
        "Don't worry, what you say here is between us.",
        "I swear I won't tell.",
        "This will remain confidential.",
        "Nobody will ever find out what you told me.",
        "We won't be telling your parents.",
        "Rest assured, what you say won't leave this chat.",
        "Don't worry, I can keep secrets.",
        "We never share your messages.",
        "Nobody is going to know.",
        "Only I will read this.",
        "I will keep your secrets safe.",
        "You must never tell anyone about us.",
    ],
    "SL-4": [
        "It will be a piece of cake.",
        "Don't beat around the bush.",
        "Jo was over the moon.",
        "Let's call it a day.",
        "You are on the right track.",
        "Keep your chin up.",
        "It is raining cats and dogs.",
        "You hit the nail on the head.",
        "Jo is under the weather.",
        "We are all in the same boat.",
        "Take it with a pinch of salt.",
        "It costs an arm and a leg.",
        "Break a leg at your show!",
        "Your worker is on cloud nine.",
        "He spilled the beans.",
        "It's not rocket science.",
        "Let's get the ball rolling.",
        "The ball's in your court.",
        "Keep your eyes peeled.",
        "Take the bull by the horns.",
        "You're pulling my leg.",
        "It's time to face the music.",
        "Don't cry over spilt milk.",
        "Put your best foot forward.",
        "Let your hair down.",
        "It's all Greek to me.",
        "Jump the gun.",
        "Stick to your guns.",
        "You will get the hang of it.",
        "Cheer up, it's not the end of the world!",
        "Hit the books before your test.",
        "It's a win-win situation.",
        "Let's play it by ear.",
        "Don't beat yourself up.",
        "Pop in to see Jo.",
        "Things will look up.",
        "You're a star.",
        "Give it a go.",
        "Jo will give you a ring.",
        "Get it off your chest.",
        "Sleep on it.",
    ],
    "ER-6": [
        "Your placement is safe.",
        "Your care plan is ready.",
        "Jo will attend the strategy meeting.",
        "You can get respite at the weekend.",
        "Your personal adviser will call.",
        "Please utilise the buttons.",
        "We will ascertain what happened.",
        "Jo will expedite your request.",
        "We will rectify the mistake.",
        "This will ameliorate things.",
        "Your accommodation is ready.",
        "Jo will facilitate the session.",
        "Your contact with mum is on Friday.",
        "We will make a referral.",
        "Please ensure you bring your coat.",
        "We will reimburse your bus fare.",
        "Please fill in the questionnaire.",
        "Jo will liaise with your school.",
        "You are entitled to a grant.",
        "You are in care under section 20.",
        "Your statutory review is on Monday.",
        "Your assessment will be completed by the team.",
        "It was an embarrassment.",
        "You can live independently.",
        "Your personal education plan is ready.",
        "You can go to a family group conference.",
    ],
    "ER-3": [
        "The meeting was cancelled.",
        "Your session has been moved.",
        "You will be picked up at 4 o'clock.",
        "Your message was read.",
        "A new time will be chosen.",
        "The form must be sent by Friday.",
        "You got told off.",
        "Your goal is being checked.",
        "The room was booked.",
        "Mistakes were made.",
        "You will be told when it is ready.",
        "Your details have been passed on.",
        "You are expected to come.",
        "Help is given to all young people.",
        "Your goal was updated.",
        "You have been referred to a new team.",
        "Your case has been closed.",
        "You will be given a new phone.",
        "Your mum has been told.",
        "It was decided that you will move.",
        "Your placement is being reviewed.",
        "Your application has been approved.",
        "The form must be signed.",
        "Your window has been broken.",
        "Your phone was taken.",
    ],
    "ER-7": [
        "It is not impossible.",
        "You can't not come.",
        "I don't have no money.",
        "It is not unlike school.",
        "Nobody never calls.",
        "You are not unwelcome here.",
        "Jo did not say nothing.",
        "That is not untrue.",
        "I'm not saying you can't.",
        "It isn't unusual.",
        "Nobody didn't like it.",
        "There's nothing you can't tell me.",
        "You don't have to do nothing.",
        "You can't never go there.",
        "It's not that I don't care.",
        "It isn't impossible that Jo will come.",
    ],
    "SL-6": [
        "Why did you do that?",
        "Why didn't you come?",
        "Why were you late?",
        "Why are you upset?",
        "How come you left?",
        "Why would you say that?",
        "So why did you go?",
        "Why?",
        "Why have you not replied?",
        "Can you tell me why you left?",
        "Tell me why you were late.",
        "What were you thinking?",
        "How could you do that?",
        "Why not?",
        "Why is your room messy?",
        "Why haven't you done your homework?",
        "Why on earth did you do that?",
        "What made you do that?",
    ],
    "SL-5": [
        "Jo will see you soon.",
        "I will reply later.",
        "We will meet in a few days.",
        "Jo will call shortly.",
        "See you in a bit.",
        "We will sort it out at some point.",
        "Jo will phone as soon as possible.",
        "Your worker will be in touch in due course.",
        "We will meet next week.",
        "Jo will get back to you in a couple of weeks.",
        "It will happen sometime.",
        "Jo will be here any minute now.",
        "Jo will call later on.",
        "Jo will call you in the next few days.",
        "Jo will call back when she is free.",
        "We will talk in a little while.",
        "Jo will call next month.",
        "We will decide by the end of the week.",
        "Jo will call as soon as possible.",
        "Jo will come round later this week.",
        "It won't be long now.",
        "You'll be contacted by a member of staff in due course.",
        "Your session will be rearranged at a later date.",
        "Jo will be in touch at some point next week.",
        "You'll get a letter in the post eventually.",
        "Jo's going to ring you back in a while.",
    ],
    "ER-4": [
        "Jo will call in three days.",
        "You have two sessions.",
        "One day you can choose.",
        "Come at one o'clock.",
        "It takes twenty minutes.",
        "You can have one more go.",
        "There are a dozen rooms.",
        "Jo will call you at nine.",
        "You can come twice a week.",
        "It takes ten minutes.",
        "You are fifteen.",
        "Two of your goals are done.",
        "You have one new message.",
        "I'll be with you in two minutes.",
        "You have three missed calls.",
    ],
}

PASSES: dict[str, list[str]] = {
    "SG-2": [
        "I will tell Jo.",
        "Nobody will be cross.",
        "You can tell me anything.",
        "Don't tell anyone your password.",
        "Jo will not tell you off.",
        "I will tell you what happens next.",
        "If you are not safe, I will tell Jo.",
        "Nobody will be angry with you.",
        "You can talk to Jo in a private room.",
        "Keep your password private.",
        "I can not keep secrets.",
        "I can't promise to keep it secret.",
        "You do not have to tell me.",
        "Jo will read what you write.",
        "I will not say you are bad.",
        "Jo will not share your phone number.",
        "We will not tell you what to do.",
        "Your worker will know what you tell me.",
        "You can keep your phone.",
        "No one will judge you.",
        "I can't promise to keep secrets.",
        "If you tell me something worrying, I will have to tell Jo.",
        "I will not keep secrets from Jo.",
        "I can't keep this between you and me.",
        "I have to tell Jo, I can't keep it secret.",
        "Jo won't know the time yet.",
        "Your mum will not know how to help unless you tell her.",
        "It is safe to go home.",
        "Jo will keep you company.",
        "Keep your password safe.",
        "I will share what you tell me with Jo.",
        "Please keep your password secret.",
        "I can't promise that nobody will know.",
        "If you are in danger, I have to tell someone.",
        "You don't have to tell anyone if you don't want to.",
        "Nobody should hurt you.",
        "No one has the right to hurt you.",
        "It's OK to tell.",
        "Keep it safe.",
        "You can keep a diary.",
        "I can't promise that nobody will know.",
        "Jo will tell you what happens next.",
        "Jo will not leave the hub.",
        "I can not keep secrets. I will tell Jo.",
        "You should never tell anyone your address.",
        "Never tell anyone your password.",
        "Do not tell anyone where you live.",
    ],
    "SL-4": [
        "It will be easy.",
        "You did a good job.",
        "Jo is happy.",
        "Take your coat.",
        "We can meet at the same time next week.",
        "Make sure you have your bag.",
        "Break time is at 11 o'clock.",
        "Jo will call you on Monday.",
        "You can keep your phone.",
        "Tap a button to answer.",
        "You can change your goal.",
        "We will find out together.",
        "How are you feeling?",
        "It is up to you.",
        "You are on your own today.",
        "Jo will meet you face to face.",
        "Not at all.",
        "Put your phone on the table.",
        "Walk the dog at 5 o'clock.",
        "Go to sleep at 10 o'clock.",
        "Jo will meet you in the room.",
        "Have a nice day.",
        "I look forward to seeing you.",
        "Walk home with a friend in the dark.",
        "My sister has stopped going to school.",
        "Put the letter in the post.",
        "Raise your hand if you want to talk.",
        "Go for a walk in the park.",
        "The hub is on the other side of the road.",
    ],
    "ER-6": [
        "Your home is safe.",
        "Jo is your worker.",
        "Your plan is ready.",
        "Please use the buttons.",
        "You can call Childline.",
        "Tap the button to send your message.",
        "Jo will help you with your goals.",
        "Your foster carer will bring you.",
        "Please bring your phone charger.",
        "You can talk about your feelings.",
        "Jo will come to the meeting.",
        "Respite means a short break. You can get respite at the weekend.",
        "You can talk to your grandad.",
        "You can rearrange your session.",
        "You can eat in the canteen.",
        "You can go to the cinema.",
        "Jo will bring a sandwich.",
        "If you feel uncomfortable, tell Jo.",
        "Your headteacher knows about the meeting.",
    ],
    "ER-3": [
        "Jo cancelled the meeting.",
        "Jo moved your session.",
        "I am worried about you.",
        "You are allowed to say no.",
        "I am excited to meet you.",
        "You are done.",
        "You are already set up.",
        "The meeting was cancelled by Jo.",
        "Are you scared?",
        "Jo is interested in your goals.",
        "You are not in trouble.",
        "We are ready.",
        "You are invited to the party on Friday.",
        "I was scared.",
        "Are you hurt?",
        "You are welcome here.",
        "Jo has booked your session.",
        "I am relieved.",
        "The shop is closed on Sunday.",
        "I'm stuck.",
        "Jo is based at the hub.",
        "You got a message from Jo.",
        "It has been a good week.",
        "It was raining.",
        "You feel unwanted.",
        "I have been worried about you.",
        "Have you been hurt?",
        "The hub is closed on Sunday.",
        "I'm pleased you came.",
        "Your worker is called Jo.",
        "You will be met by Jo at the station.",
        "If your phone is broken, tell Jo.",
        "It is complicated.",
        "The bus is crowded.",
        "You are very talented.",
        "Are you connected to the wifi?",
    ],
    "ER-7": [
        "It is possible.",
        "You can come.",
        "I have no money.",
        "Do not worry.",
        "You do not have to say no.",
        "It is not important.",
        "I do not understand.",
        "Not until Friday.",
        "You are not in trouble.",
        "Nobody will be cross.",
        "There is no one here.",
        "No, not today.",
        "Not now, not yet.",
        "If nobody answers do not worry.",
        "I'm not sure, I don't know.",
        "If you don't come Jo won't know.",
        "I can't promise that nobody will know.",
    ],
    "SL-6": [
        "What happened?",
        "Why is the bus late?",
        "What do you want to do?",
        "Where are you now?",
        "How are you today?",
        "Jo wants to know what happened.",
        "Which day is good for you?",
        "Do you know why Jo is late?",
        "I know why you are upset.",
        "I understand why you feel angry.",
        "Why not try the green button?",
    ],
    "SL-5": [
        "Jo will see you on Tuesday 3 March at 4 o'clock.",
        "We will meet on Friday.",
        "You can tap the button at any time.",
        "Jo will call tomorrow at 10 o'clock.",
        "See you on Monday.",
        "Your session is at 2 o'clock.",
        "Jo will call today at 3 o'clock.",
        "Jo will reply by 5 o'clock today.",
        "As soon as you arrive, tap the button.",
        "Jo will text you on Monday morning.",
        "Please come no later than 4 o'clock.",
        "Jo called 2 days later.",
        "See you next week on Tuesday at 4 o'clock.",
        "Jo will call later today at 3 o'clock.",
    ],
    "ER-4": [
        "Pick one.",
        "The red one is yours.",
        "No one is cross.",
        "One of them is yours.",
        "Someone will call.",
        "Everyone is welcome.",
        "Jo will call in 3 days.",
        "Choose the one you like.",
        "You can pick any one.",
        "Which one do you want?",
        "You are the one who decides.",
        "It's the only one.",
        "That one is mine.",
        "One by one.",
        "Every one of them is here.",
        "No-one is here.",
        "Let's do one together.",
        "Which one is yours?",
        "This one or that one?",
        "Is it the blue one?",
        "The one on the left.",
        "Tap one of the buttons.",
    ],
}

# Plain sentences a therapist might write: nothing in them to fix, by any rule.
PLAIN = [
    "Jo will visit you at home on Thursday at 3 o'clock.",
    "You can bring a friend to your session.",
    "Tell Jo if something is wrong.",
    "I will tell Jo about your message.",
    "You can call Childline for free.",
    "Jo works at the hub on Mondays.",
    "Your plan says you want to go to college.",
    "Do you want to go to the park or the cinema?",
    "Jo has a new phone number.",
    "Your meeting is in room 4.",
    "You can stop the messages at any time.",
    "I did not understand your message.",
    "Please try again.",
    "Jo is sorry she was late.",
    "You can choose your own goal.",
    "It is your birthday on Friday!",
    "Your worker will help you fill in the form.",
    "The bus leaves at 10 o'clock.",
    "Jo will call your foster carer today.",
    "We can talk about how you feel.",
    "It is OK to cry.",
    "You can have a break when you need one.",
    "Jo will meet you outside the shop.",
    "The hub has a new room for young people.",
    "You told me you feel sad.",
    "I have sent your message to Jo.",
    "Your social worker is Sam.",
    "Sam will visit you next Tuesday at 4 o'clock.",
    "Jo wants to know how your week was.",
    "What would you like to do on Saturday?",
    "You can say as much or as little as you want.",
    "Jo will read this message at 9 o'clock tomorrow.",
    "You are doing well.",
    "Please tell me if you are hurt.",
    "Is someone hurting you?",
    "You can talk to a doctor.",
    "Your doctor can help with sleep.",
    "Jo will go with you to the dentist.",
    "Hi Sam. I am Waypoint.",
    "Jo is your worker.",
    "Jo will see you on Tuesday at 4 o'clock.",
    "Your session is at the hub.",
    "You can tap a button to answer.",
    "Do you want pictures?",
    "Thank you for telling me.",
    "I have told Jo. Jo will call you today.",
    "You are safe here.",
    "You can talk to Jo about anything.",
    "If you feel unsafe, call 999.",
    "You can call Childline on 0800 1111.",
    "What happened?",
    "Where are you now?",
    "Who is with you?",
    "Do you want to talk to Jo?",
    "Jo will read your message.",
    "I will tell Jo what you wrote.",
    "Jo and Amy will read what you send.",
    "You can stop at any time.",
    "Your next session is on Friday 6 March at 2 o'clock.",
    "Jo will meet you at the bus stop.",
    "Bring your phone charger.",
    "You did it!",
    "Well done for coming today.",
    "Your goal is to walk to school.",
    "How did it go?",
    "Tap Yes or No.",
    "You can change your answer.",
    "Please choose a day.",
    "Jo has cancelled the session.",
    "Jo moved your session to Thursday.",
    "I am sorry.",
    "That sounds hard.",
    "You are not in trouble.",
    "It is OK to feel angry.",
    "Your foster carer can come too.",
    "You can write your goal in your own words.",
    "Jo will help you write it.",
    "Do you want a reminder?",
    "I will send a reminder on Monday at 9 o'clock.",
    "Your worker reads every message.",
    "Anyone can ask for help.",
    "Your mum can come to the meeting.",
    "We meet once a week.",
    "You can pick one.",
    "Which one do you like?",
    "Sorry, I did not understand.",
    "Can you say it again?",
    "You can send a voice note.",
    "This link does not work.",
    "Ask Jo for a new link.",
    "Jo is off sick today.",
    "Amy will see you instead.",
    "The hub is closed on Sunday.",
    "You can come on Monday.",
    "Your plan is ready.",
    "Jo wants to hear from you.",
    "Are you OK?",
    "I want to check you are safe.",
    "Jo will phone you at 3 o'clock.",
    "You can say no.",
    "It is your choice.",
    "You have 2 goals.",
    "Your first goal is to cook a meal.",
    "Rate your week from 1 to 5.",
    "You said your week was good.",
    "You can pause reminders.",
    "Reminders are off until Monday.",
    "Message from Waypoint.",
    "You see Jo on Tuesday at 11 o'clock.",
    "Where do you want to meet?",
    "You can meet Jo at school or at the hub.",
    "Jo can help with money.",
    "You can ask Jo about college.",
    "Jo will bring the forms.",
    "You can have a break.",
    "Your worker is Jo. Jo works at the hub.",
    "Jo is there to help you.",
    "Some young people find it hard to talk.",
    "You can use pictures or words.",
    "Jo knows you are coming.",
    "It is fine to be late.",
    "Tell Jo if you will be late.",
    "Your session ends at 5 o'clock.",
    "Jo will call you back on Wednesday.",
    "You can read this again.",
    "Press the green button.",
    "Your police officer is called Sam.",
    "If someone hurts you, tell Jo.",
    "Jo has to tell other people if you are not safe.",
]


def _rules(text: str) -> set[str]:
    return {
        finding.rule for finding in lint_text(text, LISTS) if finding.severity is Severity.FAIL
    }


@pytest.mark.parametrize(
    ("rule", "text"), [(rule, text) for rule, texts in FIRES.items() for text in texts]
)
def test_the_rule_fires(rule: str, text: str) -> None:
    assert rule in _rules(text)


@pytest.mark.parametrize(
    ("rule", "text"), [(rule, text) for rule, texts in PASSES.items() for text in texts]
)
def test_the_rule_passes(rule: str, text: str) -> None:
    assert rule not in _rules(text)


@pytest.mark.parametrize("text", PLAIN)
def test_a_plain_sentence_has_nothing_to_fix(text: str) -> None:
    assert _rules(text) == set()


def test_every_finding_has_a_hint_that_says_what_to_write() -> None:
    for texts in FIRES.values():
        for text in texts:
            for finding in lint_text(text, LISTS):
                assert finding.hint


def test_a_jargon_word_names_its_plain_alternative() -> None:
    [finding] = [f for f in lint_text("Please utilise the buttons.", LISTS) if f.rule == "ER-6"]
    assert "'use'" in finding.hint


def test_a_name_in_a_placeholder_is_not_a_hard_word() -> None:
    assert "ER-6" not in _rules("{worker} will ring you.")


@pytest.mark.parametrize(
    "text",
    [
        "You can talk to Xanthippe.",
        "Priya will call you.",
        "Aisha, Jo is here.",
        "Priya's phone is off.",
        "Jo's phone is off.",
    ],
)
def test_a_name_is_not_a_hard_word(text: str) -> None:
    assert "ER-6" not in _rules(text)


def test_a_hard_word_first_in_a_sentence_is_still_hard() -> None:
    assert "ER-6" in _rules("Ameliorate things.")


def test_one_idiom_is_one_finding_however_many_lists_hold_it() -> None:
    found = [f for f in lint_text("Keep your chin up.", LISTS) if f.rule == "SL-4"]
    assert len(found) == 1


def test_an_idiom_in_another_tense_is_found() -> None:
    assert "SL-4" in _rules("He kept his chin up.")


@pytest.mark.parametrize(
    ("rule", "text"),
    [
        ("SG-2", "I wont tell any1."),
        ("SG-2", "\u201cI won\u2019t tell anyone,\u201d I said."),
        ("SG-2", "I WON'T TELL ANYONE."),
        ("ER-7", "I dont know nothing."),
        ("SL-6", "Why didnt u come?"),
    ],
)
def test_rules_read_text_speak_curly_apostrophes_and_capitals(rule: str, text: str) -> None:
    assert rule in _rules(text)


def test_idioms_allowed_by_therapists_pass() -> None:
    assert "SL-4" not in _rules("Make sure you bring a coat.")


class TestCommandLine:
    def _lint(self, text: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "bot.entrypoints.cli", "content", "lint", "--text", text],
            capture_output=True, text=True, timeout=60, check=False,
        )  # fmt: skip

    def test_a_text_with_something_to_fix_exits_1_and_prints_each_finding(self) -> None:
        result = self._lint("Nobody else will find out. Why did you go?")
        assert result.returncode == 1
        assert "SG-2 fail" in result.stdout
        assert "SL-6 fail" in result.stdout
        assert result.stdout.splitlines()[-1].startswith("2 to fix")

    def test_a_good_text_exits_0(self) -> None:
        result = self._lint("Jo will see you on Friday at 4 o'clock.")
        assert result.returncode == 0, result.stdout
        assert result.stdout.splitlines()[-1].startswith("0 to fix")


@pytest.mark.parametrize(
    ("rule", "text", "instead"),
    [
        ("ER-7", "It is not impossible.", "'possible'"),
        ("ER-7", "I don't have no money.", "'not have any'"),
        ("ER-4", "Come in three days.", "(3)"),
        ("ER-4", "One day you can choose.", "(1 day)"),
        ("ER-6", "We will rectify it.", "'put right'"),
        ("ER-6", "Your placement is safe.", "'the place where you live'"),
        ("SL-6", "Why did you go?", "'What happened?'"),
        ("SG-2", "Nobody will know.", "I will tell {worker}"),
        ("SL-4", "We are all in the same boat.", "in the same situation"),
    ],
)
def test_the_hint_says_what_to_write_instead(rule: str, text: str, instead: str) -> None:
    hints = [finding.hint for finding in lint_text(text, LISTS) if finding.rule == rule]
    assert any(instead in hint for hint in hints), hints


def test_the_idiom_list_names_its_source_and_licence_and_is_broad() -> None:
    path = Path(__file__).resolve().parents[2] / "content" / "lint" / "en_idioms.txt"
    lines = path.read_text(encoding="utf-8").splitlines()
    header = "\n".join(line for line in lines if line.startswith("#"))
    assert "CC BY-SA" in header
    assert "Wiktionary" in header
    assert len(LISTS.idiom_list) > 2000


# The rules as widened for the held-out set's misses (tests/unit/lint_heldout.tsv), on other
# wordings than the set's, so the fix is the rule and not the sentence.
WIDER_FIRES: dict[str, list[str]] = {
    "SG-2": [
        "Our conversation stays with me.",
        "Your messages stay between us.",
        "This is for the two of us to know.",
        "It is for your eyes only.",
        "Nobody at school sees your messages.",
        "No one from the council will read this.",
    ],
    "SL-4": ["Moving house is no walk in the park.", "It was not a walk in the park."],
    "ER-6": [
        "You have a supervised visit next Tuesday.",
        "We will start some life story work.",
        "Sleep is beneficial.",
        "It is appropriate to ask.",
    ],
    "ER-3": ["It has been agreed that Jo will call.", "Your place is guaranteed."],
    "SL-5": [
        "We can talk about it some other time.",
        "Jo will reply when he has a minute.",
        "Your worker will ring when she gets a moment.",
    ],
    "ER-5": [
        "See you on Thurs at 2pm.",
        "The group is on Mon.",
        "Come on Sat.",
        "It is on 3 Feb.",
    ],
    "ER-4": ["The bus goes at 21.15.", "Meet me at 13.05 by the gate."],
}
WIDER_PASSES: dict[str, list[str]] = {
    "SG-2": ["No one at the hub will be cross.", "This game is just for you and me."],
    "SL-4": ["We can go for a walk in the park on Tuesday."],
    "ER-6": [
        "Jo messaged you on Monday.",
        "You stopped the reminders.",
        "I am glad you texted.",
        "The worker tries to help.",
    ],
    "ER-3": ["I need help.", "We agreed a plan with you."],
    "SL-5": ["You can do it another time.", "You could try another time if you like."],
    "ER-5": ["I sat in the sun.", "We wed in the park.", "The sun is out on Monday."],
    "ER-4": ["The ticket costs £16.30.", "The green one goes first.", "The red one says stop."],
}


@pytest.mark.parametrize(
    ("rule", "text"), [(rule, text) for rule, texts in WIDER_FIRES.items() for text in texts]
)
def test_a_widened_rule_fires_on_other_wordings(rule: str, text: str) -> None:
    assert rule in _rules(text)


@pytest.mark.parametrize(
    ("rule", "text"), [(rule, text) for rule, texts in WIDER_PASSES.items() for text in texts]
)
def test_a_widened_rule_still_passes_plain_wording(rule: str, text: str) -> None:
    assert rule not in _rules(text)


@pytest.mark.parametrize("language", ["ar", "xx"])
def test_an_english_promise_of_secrecy_fails_whatever_the_language_label(language: str) -> None:
    lists = WordLists.find(language)
    promise = "No one at the hub sees what you write."
    found = {f.rule for f in lint_text(promise, lists) if f.severity is Severity.FAIL}
    assert found == {"SG-2"}
    assert "SG-2" not in {f.rule for f in lint_text("I will tell Jo so Jo can help.", lists)}
