"""Realistic stand-ins for a person's name, an email address and a phone number.

Some prompts read better to a model with a plausible name than with ``<PERSON_7f3a9c01>``: the
answer keeps its grammar and the model does not comment on the tokens. Each stand-in is chosen
from an HMAC digest (``placeholders.PlaceholderNamer``), so it is deterministic and reveals
nothing of the value; it is fictional by construction: ``example.com`` addresses (RFC 2606) and
``555-01xx`` numbers (reserved for fiction). ``tier`` 1 and 2 add a disambiguating suffix for
the rare case where two values of one scope draw the same stand-in.
"""

from __future__ import annotations

SURROGATE_ENTITIES = frozenset({"PERSON", "EMAIL_ADDRESS", "PHONE_NUMBER"})

_FIRST = """
Aaron Abigail Adam Adrian Aiden Alan Albert Alex Alice Alicia Allison Amanda Amber Amy Andrea
Andrew Angela Anna Anthony Ariana Arthur Ashley Audrey Austin Barbara Benjamin Beth Blake Brandon
Brenda Brian Brittany Brooke Bruce Caleb Cameron Carl Carlos Carmen Caroline Carter Catherine
Chad Charles Charlotte Chelsea Chloe Chris Christian Claire Colin Connor Craig Crystal Daisy Dale
Dana Daniel Danielle David Dean Deborah Dennis Derek Diana Diane Dominic Donna Dorothy Dylan Edward
Elena Eli Elijah Elizabeth Ella Ellen Emily Emma Eric Erica Ethan Eva Evan Felix Fiona Frances
Frank Gabriel Gavin George Grace Grant Gregory Hailey Hannah Harold Harper Harry Heather Helen
Henry Holly Hunter Ian Isaac Isabel Ivan Jack Jacob Jade James Jamie Janet Jason Jasmine Jeffrey
Jenna Jennifer Jeremy Jesse Jessica Joan Joel John Jonathan Jordan Joseph Joshua Joyce Julia
Julian Justin Karen Kate Keith Kelly Kevin Kyle Laura Lauren Leah Leo Liam Lily Linda Logan Lucas
Lucy Luke Lydia Madison Marcus Margaret Maria Mark Martin Mary Mason Megan Melissa Mia Michael
Miles Molly Morgan Nancy Naomi Nathan Neil Nicole Noah Nora Oliver Olivia Oscar Owen Paige Pamela
Patrick Paul Peter Philip Quinn Rachel Ralph Rebecca Riley Robert Robin Roger Ronald Rose Ruby
Russell Ruth Ryan Samantha Samuel Sandra Sara Scott Sean Seth Sharon Sophia Stella Stephen Steven
Susan Sydney Taylor Teresa Thomas Timothy Tracy Trevor Tyler Valerie Vanessa Victor Victoria
Vincent Violet Walter Wayne Wendy William Wyatt Zachary Zoe
"""

_LAST = """
Abbott Adams Alexander Allen Alvarez Anderson Andrews Armstrong Arnold Austin Bailey Baker Banks
Barnes Barrett Bates Bell Bennett Berry Bishop Black Blake Bradley Brooks Brown Bryant Burke Burns
Butler Byrd Campbell Carlson Carpenter Carroll Carter Castillo Chambers Chapman Chavez Clark Cole
Coleman Collins Cook Cooper Cox Crawford Cruz Cunningham Daniels Davidson Davis Dawson Dean Diaz
Dixon Douglas Duncan Dunn Edwards Elliott Ellis Evans Ferguson Fields Fisher Fleming Fletcher
Ford Foster Fowler Fox Franklin Freeman Fuller Garcia Gardner Garrett Gibson Gilbert Gomez Gordon
Graham Grant Graves Gray Green Griffin Gutierrez Hall Hamilton Hansen Hanson Harper Harris
Harrison Hart Harvey Hawkins Hayes Henderson Henry Hicks Hill Hoffman Holland Holmes Howard Hudson
Hughes Hunt Hunter Jackson Jacobs James Jenkins Jensen Johnson Jordan Kelley Kennedy Kim King
Knight Lambert Lane Larson Lawrence Lee Lewis Little Long Lopez Lynch Marshall Martin Mason
Matthews Meyer Miles Miller Mills Mitchell Moore Morgan Morris Murphy Murray Nelson Newman Nichols
Norris Olson Owens Palmer Parker Patel Payne Pearson Perkins Perry Peters Phillips Pierce Porter
Powell Price Quinn Ramirez Ramos Ray Reed Reid Reyes Reynolds Rice Richards Riley Roberts
Robinson Rogers Ross Russell Ryan Sanders Schmidt Scott Shaw Simmons Simpson Spencer Stanley
Stevens Stewart Stone Sullivan Sutton Taylor Thompson Tucker Turner Wagner Walker Wallace Walsh
Ward Warren Watson Webb Wells West Wheeler White Williams Willis Wilson Wood Wright Young
"""

# Plain ASCII words (no hyphen or apostrophe): a stand-in person is two capitalized words.
FIRST_NAMES: tuple[str, ...] = tuple(_FIRST.split())
LAST_NAMES: tuple[str, ...] = tuple(_LAST.split())


def _pick(names: tuple[str, ...], chunk: bytes) -> str:
    # 32 bits per choice: the modulo bias over ~200 names is far below anything observable
    return names[int.from_bytes(chunk, "big") % len(names)]


def _person_parts(digest: bytes) -> tuple[str, str]:
    return _pick(FIRST_NAMES, digest[0:4]), _pick(LAST_NAMES, digest[4:8])


def person(digest: bytes, tier: int) -> str:
    """``Jordan Lee``; tier 1 ``Jordan Lee-Parker``; tier 2 ``Jordan Q. Lee-Parker``."""
    first, last = _person_parts(digest)
    if tier == 0:
        return f"{first} {last}"
    second = _pick(LAST_NAMES, digest[8:12])
    if second == last:  # "Lee-Lee" would look like a typo
        second = LAST_NAMES[(LAST_NAMES.index(second) + 1) % len(LAST_NAMES)]
    if tier == 1:
        return f"{first} {last}-{second}"
    initial = chr(ord("A") + digest[12] % 26)
    return f"{first} {initial}. {last}-{second}"


def email(digest: bytes, tier: int) -> str:
    """``jordan.lee.7f3a@example.com``; each tier adds four hex digits to the suffix."""
    first, last = _person_parts(digest)
    suffix = digest[16:22].hex()[: 4 * (tier + 1)]
    return f"{first.lower()}.{last.lower()}.{suffix}@example.com"


def phone(digest: bytes, tier: int) -> str:
    """``+1-555-0142-8731``; tier 1 adds `` ext. 123``, tier 2 `` ext. 123456``."""
    number = int.from_bytes(digest[0:8], "big")
    text = f"+1-555-01{number % 100:02d}-{number // 100 % 10000:04d}"
    if tier == 0:
        return text
    extension = int.from_bytes(digest[8:16], "big")
    digits = 3 if tier == 1 else 6
    return f"{text} ext. {extension % 10**digits:0{digits}d}"


def surrogate(entity: str, digest: bytes, tier: int) -> str | None:
    """The stand-in for ``entity`` (``None`` for a type without one), from a 32-byte digest."""
    if entity == "PERSON":
        return person(digest, tier)
    if entity == "EMAIL_ADDRESS":
        return email(digest, tier)
    if entity == "PHONE_NUMBER":
        return phone(digest, tier)
    return None
