"""Word lists the look-alike check (verify.py) reads. Small on purpose: each list names a way
two near-identical questions can mean different things."""

from __future__ import annotations

NEGATIONS = frozenset(
    "not no never none nothing nobody nowhere neither nor without cannot unable".split()
)

UNIT_WORDS = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen"
).split()
TENS_WORDS = "twenty thirty forty fifty sixty seventy eighty ninety".split()
SCALES = {"hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000}
ORDINALS = (
    "first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth".split()
)

# Words and symbols that name an arithmetic operation (a word names it wherever it stands).
OPERATOR_WORDS = {
    "plus": "+", "add": "+", "added": "+", "adding": "+", "sum": "+", "+": "+",
    "minus": "-", "subtract": "-", "subtracted": "-", "subtracting": "-", "difference": "-",
    "times": "*", "multiply": "*", "multiplied": "*", "multiplying": "*", "product": "*",
    "×": "*", "*": "*",
    "divide": "/", "divided": "/", "dividing": "/", "quotient": "/", "÷": "/",
    "power": "^", "squared": "^2", "cubed": "^3", "square": "^2", "cube": "^3", "^": "^",
    "root": "root", "sqrt": "root",
    "percent": "%", "percentage": "%", "%": "%",
    "mod": "mod", "modulo": "mod", "remainder": "mod",
}  # fmt: skip
# Symbols that are operators only between numbers ("17 - 4", "17 x 4", "17/4").
INFIX_SYMBOLS = {"-": "-", "x": "*", "/": "/"}
NON_COMMUTATIVE = frozenset({"-", "/", "^", "mod", "%"})

# Pairs of opposite words; inflections are generated (enable, enables, enabled, enabling).
OPPOSITES = [
    ("enable", "disable"), ("activate", "deactivate"), ("on", "off"), ("in", "out"),
    ("up", "down"), ("increase", "decrease"), ("raise", "lower"), ("add", "remove"),
    ("insert", "delete"), ("create", "delete"), ("install", "uninstall"),
    ("encrypt", "decrypt"), ("encode", "decode"), ("compress", "decompress"),
    ("upload", "download"), ("import", "export"), ("buy", "sell"), ("lend", "borrow"),
    ("win", "lose"), ("start", "stop"), ("begin", "end"), ("open", "close"),
    ("lock", "unlock"), ("connect", "disconnect"), ("mount", "unmount"),
    ("subscribe", "unsubscribe"), ("follow", "unfollow"), ("block", "unblock"),
    ("allow", "deny"), ("accept", "reject"), ("approve", "reject"), ("include", "exclude"),
    ("push", "pull"), ("send", "receive"), ("show", "hide"), ("expand", "collapse"),
    ("zip", "unzip"), ("maximize", "minimize"), ("max", "min"), ("maximum", "minimum"),
    ("largest", "smallest"), ("biggest", "smallest"), ("highest", "lowest"),
    ("longest", "shortest"), ("fastest", "slowest"), ("best", "worst"), ("most", "least"),
    ("more", "less"), ("more", "fewer"), ("greater", "less"), ("larger", "smaller"),
    ("bigger", "smaller"), ("higher", "lower"), ("faster", "slower"), ("better", "worse"),
    ("longer", "shorter"), ("cheaper", "expensive"), ("cheap", "expensive"),
    ("hot", "cold"), ("warm", "cool"), ("heat", "cool"), ("before", "after"),
    ("above", "below"), ("inside", "outside"), ("north", "south"), ("east", "west"),
    ("first", "last"), ("early", "late"), ("earlier", "later"), ("oldest", "newest"),
    ("older", "younger"), ("old", "young"), ("advantage", "disadvantage"), ("pro", "con"),
    ("benefit", "drawback"), ("benefit", "risk"), ("positive", "negative"),
    ("true", "false"), ("safe", "dangerous"), ("input", "output"),
    ("ascending", "descending"), ("uppercase", "lowercase"), ("serialize", "deserialize"),
    ("freeze", "thaw"), ("gain", "lose"), ("gain", "loss"), ("profit", "loss"),
    ("love", "hate"), ("like", "dislike"), ("agree", "disagree"), ("inhale", "exhale"),
    ("sunrise", "sunset"), ("left", "right"), ("login", "logout"), ("sign-in", "sign-out"),
    ("arrival", "departure"), ("arrive", "depart"), ("attack", "defend"),
    ("offense", "defense"), ("acid", "base"), ("acidic", "alkaline"), ("rich", "poor"),
    ("strong", "weak"), ("strength", "weakness"), ("success", "failure"),
    ("succeed", "fail"), ("internal", "external"), ("public", "private"),
    ("synchronous", "asynchronous"), ("sync", "async"), ("static", "dynamic"),
    ("horizontal", "vertical"), ("horizontally", "vertically"), ("row", "column"),
    ("client", "server"), ("import", "export"), ("debit", "credit"), ("asset", "liability"),
    ("mean", "median"), ("mean", "mode"), ("median", "mode"), ("maximum", "average"),
    ("cause", "effect"), ("symptom", "cure"), ("prevent", "cause"), ("male", "female"),
    ("men", "women"), ("man", "woman"), ("boy", "girl"), ("adult", "child"),
    ("adults", "kids"), ("summer", "winter"), ("spring", "autumn"), ("spring", "fall"),
    ("day", "night"), ("morning", "evening"), ("yesterday", "tomorrow"),
    ("past", "future"), ("legal", "illegal"), ("import", "export"),
]  # fmt: skip

# Prefixes that turn a word into its opposite (legal/illegal, install/uninstall).
NEGATING_PREFIXES = ("un", "dis", "in", "im", "il", "ir", "non", "non-", "de", "anti")

# Lower-case words that name a specific thing; a different one means a different question.
GAZETTEER = frozenset(
    """
    afghanistan albania algeria argentina australia austria bangladesh belgium brazil bulgaria
    canada chile china colombia croatia cuba czechia denmark egypt england estonia ethiopia
    finland france germany ghana greece hungary iceland india indonesia iran iraq ireland
    israel italy japan jordan kenya korea latvia lithuania mexico morocco nepal netherlands
    nigeria norway pakistan peru philippines poland portugal romania russia scotland serbia
    singapore slovakia slovenia spain sweden switzerland syria taiwan thailand turkey uganda
    ukraine uk usa vietnam wales zimbabwe europe asia africa america antarctica oceania
    paris london berlin madrid rome tokyo beijing moscow delhi mumbai sydney toronto chicago
    boston seattle amsterdam vienna prague warsaw lisbon dublin athens cairo istanbul dubai
    seoul bangkok barcelona munich milan venice florence stockholm oslo copenhagen helsinki
    brussels zurich geneva montreal vancouver melbourne auckland lagos nairobi lima bogota
    english french german spanish italian portuguese russian chinese mandarin japanese
    korean arabic hindi dutch swedish polish greek turkish hebrew latin
    python java javascript typescript rust golang ruby php perl kotlin swift scala haskell
    c c++ c# cpp csharp sql bash powershell r matlab julia elixir erlang lua dart fortran
    react vue angular django flask fastapi rails node nodejs docker kubernetes linux
    windows macos ios android git github postgres postgresql mysql sqlite mongodb redis
    mercury venus earth mars jupiter saturn uranus neptune pluto moon sun
    january february june july august september october november december
    monday tuesday wednesday thursday friday saturday sunday
    dollar dollars euro euros pound pounds yen rupee rupees bitcoin
    meter meters metre metres kilometer kilometers km mile miles inch inches foot feet yard
    yards centimeter centimeters cm millimeter mm gram grams kilogram kilograms kg ounce
    ounces ton tons liter liters litre litres gallon gallons celsius fahrenheit kelvin
    seconds minute minutes hour hours day days week weeks month months year years
    decade decades century centuries byte bytes kilobyte megabyte gigabyte terabyte
    binary decimal hexadecimal octal
    hydrogen oxygen carbon nitrogen helium iron gold silver copper
    """.split()
)

# Words after which the next named thing is a direction (from A to B, bigger than B).
DIRECTION_MARKERS = {"to": "to", "into": "to", "from": "from", "than": "than", "per": "per"}
