"""The words made-up records are built from: names from many languages, and comments.

Real registers hold Welsh, Irish, Polish, Scottish, South Asian, African, Turkish and many
more names, with letters such as ŵ, ł, á, ș, ğ, so the demo does too: every screen, CSV,
PDF and the name-to-role replacement in reports meet them. Real feedback is thousands of
different comments, some one word, some rambling, with typos and no capitals, a few naming
someone; a few stock answers ("Everything", "Nothing") recur. ``comment`` composes one from
parts with the caller's seeded random generator, so a seed always gives the same text.
"""

from __future__ import annotations

import random

FIRST_NAMES = (
    # Welsh
    "Siân", "Dŵr", "Ffion", "Rhiannon", "Dafydd", "Iolo", "Cerys", "Aneurin", "Llŷr",
    "Eluned", "Bethan", "Geraint", "Heulwen", "Tegwen", "Gwenllïan", "Ifan", "Owain", "Rhys",
    "Nia", "Gethin", "Elin", "Hywel", "Carys", "Ŷwain", "Ceri", "Meinir",
    # Irish
    "Siobhán", "Seán", "Niamh", "Aoife", "Caoimhe", "Oisín", "Pádraig", "Róisín", "Éabha",
    "Tadhg", "Ciarán", "Máire", "Sinéad", "Bríd", "Saoirse", "Dónal", "Clíodhna", "Cathal",
    # Polish
    "Łucja", "Małgorzata", "Wojciech", "Zbigniew", "Jędrzej", "Grażyna", "Bożena", "Piotr",
    "Agnieszka", "Stanisław", "Władysław", "Żaneta", "Gosia", "Zofia", "Kasia", "Michał",
    # Scottish
    "Eilidh", "Mhairi", "Ruairidh", "Iain", "Morag", "Catriona", "Fionnlagh", "Seonaidh",
    # English and common British
    "Margaret", "John", "Dave", "Susan", "Kev", "Jo", "Pat", "Chris", "Lee", "Sam", "Jean",
    "Barbara", "Tony", "Gary", "Sharon", "Dot", "Alfie", "Mary-Jane", "Wren", "Bo", "Mo",
    "Stephen", "Karen", "Paul", "Linda", "Ray", "Brenda", "Jack", "Ellie", "Tom",
    # South Asian
    "Priya", "Hamza", "Aisha", "Mohammed", "Gurpreet", "Sunita", "Rajesh", "Fatima", "Kiran",
    "Harjit", "Nasreen", "Imran", "Anjali", "Bilal", "Shabnam", "Arjun", "Zainab",
    # African and Caribbean
    "Femi", "Chiamaka", "Kwame", "Abena", "Tendai", "Oluwaseun", "Ngozi", "Kofi", "Amara",
    "Tariro", "Delroy", "Marcia", "Winston", "Precious", "Hodan", "Abdirahman", "Yusuf",
    # East and South-East Asian
    "Wei", "Mei Ling", "Hiroshi", "Yuki", "Thanh", "Linh", "Ji-woo", "Xiu",
    # European
    "Gökhan", "Şebnem", "Çağla", "Lukáš", "Zuzana", "Jiří", "Ștefan", "Ioana", "Žydrūnė",
    "Jonas", "João", "Conceição", "Tomás", "Ximena", "Begoña", "Eleni", "Zsófia", "Ödön",
    "Ugo", "Ana", "Björn", "Søren", "Ahmet", "Maeve", "Vik",
)

SURNAMES = (
    "Jones", "Williams", "Davies", "Evans", "Thomas", "Roberts", "Hughes", "Lewis", "Morgan",
    "Griffiths", "ap Rhys", "Llywelyn", "Pryce", "Bevan", "Hughes-Parry", "Ó Briain",
    "Ní Bhriain", "O'Connor", "Mac Giolla Phádraig", "Ó Súilleabháin", "Ní Dhomhnaill",
    "O'Neill", "Murphy", "Byrne", "Nowak", "Wiśniewska", "Wójcik", "Kowalczyk", "Szymańska",
    "Dąbrowski", "Łukasik", "Zieliński", "Grzegorczyk", "MacLeod", "MacDonald", "Mac an t-Saoir",
    "Fraser", "Campbell", "Patel", "Begum", "Khan", "Singh", "Kaur", "Chaudhry", "Hussain",
    "Okafor", "Mensah", "Adeyemi", "Osei", "Moyo", "Abdi", "Warsame", "Nguyễn", "Chen", "Li",
    "Wong", "Tanaka", "Öztürk", "Çelik", "Yılmaz", "Novák", "Dvořák", "Popescu", "Țurcanu",
    "Kazlauskas", "da Silva", "García", "Muñoz", "Papadopoulou", "Smith", "Brown", "Taylor",
    "Price", "Wilson", "Clarke", "Walker", "Wright", "Green", "Hall", "Wood", "Jackson",
    "Campbell-Brown", "Johansson", "Müller", "Nagy", "Kovács", "Fernandes", "Russo", "Ahmed",
    "Ali", "Mohamud", "Boateng", "Thompson", "Edwards", "Rees", "Powell", "Hopkins",
)

#: Answers so common they recur across a service, as real ones do.
STOCK_WENT_WELL = ("Everything", "All of it", "Good", "The tea and biscuits", "Everyone listened",
                   "It was relaxed", "Laughing together", "Being asked what I think", "yes",
                   "Feeling part of something")
STOCK_EVEN_BETTER = ("", "", "", "Nothing", "nothing", "Nothing it was great", "n/a",
                     "Can't think of anything", "More time", "Start on time")

OPENINGS = ("", "", "I liked ", "Really enjoyed ", "Loved ", "The best bit was ", "Good: ",
            "i liked ", "Enjoyed ", "Liked ", "It was nice having ", "Thank you for ",
            "Glad about ", "Most of all ", "For me it was ", "Honestly ")
SUBJECTS = (
    "the tea and biscuits", "hearing other people's ideas", "the walk outside",
    "being asked what I think", "learning about the five ways", "laughing together", "the music",
    "meeting new people", "the garden", "the art", "the quiz", "talking about my week",
    "the cooking", "planning the trip", "everyone listening", "the quiet room",
    "having a say in the plan", "sharing stories", "the breathing exercise",
    "making the poster", "the cake", "the singing", "the film", "the group chat after",
    "doing it in Welsh", "the photos from last time", "being outside", "the craft table",
    "choosing what we do next", "the easy read sheet", "the big print", "the volunteers",
    "the new room", "the games", "being listened to", "not being rushed", "the lunch",
    "the memory box", "writing the menu together", "the chair exercises", "the poems",
    "the bus trip", "the allotment", "the sewing", "the coffee", "the rota we made",
    "meeting the council people", "telling them what we think", "the feedback wall",
    "the dog visiting", "the wool", "the painting", "the history talk", "the recipe swap",
)
QUALIFIERS = ("", "", "", " today", ", as always", " - it made my week", " and the company",
              ", everyone joined in", " more than last time", "!!", " :)", ". Thank you",
              " even though I was nervous", " a lot", ", it was very good", " x",
              " because I felt welcome", " and I will come back")
EXTRAS = (
    "It gets me out of the house.", "I did not think I would like it but I did.",
    "My carer said I was smiling all the way home.", "First time I have spoken up in a group.",
    "It was hard at first.", "The room was cold though.", "I want to help run the next one.",
    "Better than the old day centre.", "I came with my neighbour.", "Please keep it going.",
    "I felt like part of the team.", "We should tell the manager about this.",
    "It helped with my anxiety.", "I learnt something new.", "Nobody made me feel stupid.",
)
WISH_OPENINGS = ("", "", "Maybe ", "It would be better with ", "Could we have ", "Next time ",
                 "Please ", "I wish there was ", "more ", "Would be good to have ",
                 "We need ", "Can we try ")
WISHES = (
    "a longer break", "starting on time", "a quieter room", "more time to talk",
    "large print handouts", "less writing", "meeting more often", "a bigger room",
    "better parking", "the heating on", "the hearing loop working", "easy read sheets",
    "fewer forms", "more people from the other group", "a lift that works",
    "gluten free biscuits", "more outdoor sessions", "Welsh language materials",
    "an interpreter", "a taxi home", "less noise from next door", "the same facilitator",
    "someone to help me read", "coffee not just tea", "more chairs with arms",
    "a session in the evening", "the dates sent earlier", "pictures on the sign-in sheet",
    "a quiet corner", "shorter days", "more about money worries", "a trip out",
)

_TYPO_WORDS = {"really": "realy", "the": "teh", "because": "becuase", "enjoyed": "enjoied",
               "definitely": "definately", "listening": "listning", "biscuits": "biscits"}


def _typo(rng: random.Random, text: str) -> str:
    """One slip of the kind people make on a form, or none."""
    roll = rng.random()
    if roll < 0.08:
        return text.lower()
    if roll < 0.12:
        return text.rstrip(".!") if text else text
    if roll < 0.17:
        words = text.split(" ")
        return " ".join(_TYPO_WORDS.get(w, w) for w in words)
    if roll < 0.21 and len(text) > 6:
        at = rng.randrange(1, len(text) - 2)
        if text[at].isalpha() and text[at + 1].isalpha():
            return text[:at] + text[at + 1] + text[at] + text[at + 2:]
    return text


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def went_well(rng: random.Random, first_names: list[str]) -> str:
    """What went well: a stock answer, a phrase, or a few sentences; sometimes naming
    someone from the group (as real comments do, which the report turns into a role)."""
    if rng.random() < 0.22:
        return rng.choice(STOCK_WENT_WELL)
    qualifier = rng.choice(QUALIFIERS)
    if first_names and rng.random() < 0.06:
        qualifier = f", {rng.choice(first_names)} made everyone welcome"
    text = _capital(rng.choice(OPENINGS) + rng.choice(SUBJECTS) + qualifier)
    length = rng.random()
    if length > 0.7:
        text += (" and " if rng.random() < 0.5 else ". ") + rng.choice(SUBJECTS)
    if length > 0.85:
        text += ". " + " ".join(rng.sample(EXTRAS, rng.randrange(1, 4)))
    return _typo(rng, text)


def even_better(rng: random.Random) -> str:
    """What would have made it even better: often nothing, else a wish or two."""
    if rng.random() < 0.4:
        return rng.choice(STOCK_EVEN_BETTER)
    text = _capital(rng.choice(WISH_OPENINGS) + rng.choice(WISHES))
    if rng.random() < 0.25:
        text += " and " + rng.choice(WISHES)
    if rng.random() < 0.1:
        text += ". " + rng.choice(EXTRAS)
    return _typo(rng, text)


def person_name(rng: random.Random) -> str:
    """A full name most of the time; some registers keep an initial, a nickname, or a
    name written in capitals."""
    first, last = rng.choice(FIRST_NAMES), rng.choice(SURNAMES)
    roll = rng.random()
    if roll < 0.12:
        return f"{first} {last[0]}."
    if roll < 0.15:
        return first
    if roll < 0.17:
        return f"{first} {last}".upper()
    if roll < 0.22:
        return f"{first} {rng.choice(FIRST_NAMES)} {last}"
    return f"{first} {last}"


RUN_NOTES = ("Good energy in the room", "Quiet start, livelier after the break",
             "Two new people joined", "Fire alarm test at 11, we carried on",
             "Room too warm, opened windows", "Lots of ideas for next month",
             "Interpreter booked for next time", "Someone left early, feeling unwell",
             "The group chose the next theme", "Ran over by ten minutes",
             "Used the easy read cards", "Tea urn broken again")
