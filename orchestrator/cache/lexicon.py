"""Word lists the look-alike check (verify.py) reads. Small on purpose: each list names a way
two near-identical questions can mean different things."""

from __future__ import annotations

NEGATIONS = frozenset(
    (
        "not no never none nothing nobody nowhere neither nor without cannot unable "
        "except excluding lack lacks lacking absent absence"
    ).split()
)
# "sugar-free", "tax-free": the word says "without" too.
NEGATING_SUFFIXES = ("-free",)

UNIT_WORDS = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen"
).split()
TENS_WORDS = "twenty thirty forty fifty sixty seventy eighty ninety".split()
SCALES = {
    "dozen": 12, "hundred": 100, "thousand": 1_000, "million": 1_000_000,
    "billion": 1_000_000_000, "trillion": 1_000_000_000_000,
}  # fmt: skip
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
    "split": "/", "splitting": "/",
    "power": "^", "squared": "^2", "cubed": "^3", "square": "^2", "cube": "^3", "^": "^",
    "root": "root", "sqrt": "root",
    "percent": "%", "percentage": "%", "%": "%",
    "mod": "mod", "modulo": "mod", "remainder": "mod",
    "half": "/2", "halve": "/2", "double": "*2", "twice": "*2", "triple": "*3", "thrice": "*3",
}  # fmt: skip
# Symbols that are operators only between numbers ("17 - 4", "17 x 4", "17/4").
INFIX_SYMBOLS = {"-": "-", "x": "*", "/": "/"}
NON_COMMUTATIVE = frozenset({"-", "/", "^", "mod", "%"})

# Opposite poles: each side is one or more words that mean the same end of one scale
# ("hot warm" vs "cold cool"), so any word of one side is opposite to any word of the other.
# Inflections are generated (enable, enables, enabled, enabling; warm, warmer, warmest).
OPPOSITES = [
    # switches and actions
    ("enable allow permit unblock", "disable deny forbid prohibit block"),
    ("activate", "deactivate"), ("on", "off"), ("in", "out"),
    ("up", "down"),
    ("increase raise grow grew grown boost", "decrease reduce lower shrink shrank shrunk"),
    ("add", "remove"), ("insert", "delete"), ("create", "delete destroy"),
    ("install", "uninstall"), ("encrypt", "decrypt"), ("encode", "decode"),
    ("compress", "decompress"), ("upload", "download"), ("import", "export"),
    ("buy bought purchase", "sell sold"), ("lend lent", "borrow"),
    ("deposit", "withdraw withdrew withdrawn"), ("win won", "lose lost"),
    ("start begin began begun", "stop end finish"), ("open", "close shut"), ("lock", "unlock"),
    ("connect", "disconnect"), ("attach", "detach"), ("mount", "unmount"),
    ("subscribe", "unsubscribe"), ("follow", "unfollow"), ("for favor", "against"),
    ("accept approve", "reject decline"),
    ("include", "exclude"), ("push", "pull"), ("send sent", "receive"),
    ("show shown", "hide hid hidden"),
    ("expand", "collapse"), ("zip", "unzip"), ("read", "write wrote written"),
    ("get got gotten", "set"),
    ("save", "load"), ("enter", "exit leave"), ("join", "leave quit"), ("merge", "split"),
    ("pass", "fail"), ("succeed", "fail"), ("freeze froze frozen", "thaw melt"),
    ("inhale", "exhale"), ("tighten tight", "loosen loose"),
    ("arrival arrivals", "departure departures"),
    ("login log-in sign-in", "logout log-out sign-out"), ("arrive", "depart leave"),
    ("attack", "defend"), ("rise rose risen", "fall fell fallen sink sank sunk"),
    ("gain", "lose lost loss"),
    ("serialize", "deserialize"), ("love", "hate"), ("like", "dislike"),
    ("agree", "disagree"), ("prevent avoid", "cause"), ("remember", "forget forgot forgotten"),
    # extremes and comparisons
    ("maximize", "minimize"), ("max maximum most", "min minimum least"),
    ("largest biggest", "smallest"), ("highest", "lowest"), ("high", "low"),
    ("longest", "shortest"), ("long", "short"), ("tall", "short"),
    ("fast quick rapid", "slow"), ("best", "worst"), ("good", "bad"),
    ("more", "less fewer"), ("greater", "less"), ("large big huge", "small little tiny"),
    ("higher", "lower"), ("better superior", "worse inferior"), ("above over", "below under"),
    ("cheap", "expensive costly"), ("easy simple", "hard difficult complex"),
    ("heavy", "light"), ("dark", "light bright"), ("wide broad", "narrow"),
    ("thick", "thin"), ("deep", "shallow"),
    ("near close", "far farther farthest further furthest distant"),
    ("full", "empty"), ("strong", "weak"), ("strength", "weakness"), ("rich", "poor"),
    ("wet", "dry"), ("hard", "soft"), ("loud", "quiet"), ("sweet", "sour bitter"),
    ("hot warm heat warmth", "cold cool chilly freezing"),
    # time and order
    ("before prior", "after"), ("early", "late"), ("earlier", "later"),
    ("first", "last"), ("old", "new young latest recent"), ("past", "future"),
    ("yesterday", "tomorrow"), ("next", "previous"), ("sunrise", "sunset"),
    ("day daytime", "night"), ("morning", "evening"), ("summer", "winter"),
    ("spring", "autumn fall"), ("ascending", "descending"), ("forward", "backward"),
    # places and directions
    ("inside internal", "outside external"), ("north", "south"), ("east", "west"),
    ("left", "right"), ("top", "bottom"), ("front", "back"), ("head", "tail"),
    ("horizontal horizontally", "vertical vertically"), ("row", "column"),
    ("width", "height"), ("local", "remote"), ("online", "offline"),
    ("upstream", "downstream"), ("prefix", "suffix"), ("parent", "child"),
    # values and kinds
    ("true correct right", "false incorrect wrong"), ("positive", "negative"),
    ("safe", "dangerous unsafe"), ("legal", "illegal"), ("valid", "invalid"),
    ("input", "output"), ("uppercase", "lowercase"), ("public", "private"),
    ("synchronous sync", "asynchronous async"), ("static", "dynamic"),
    ("client frontend", "server backend"), ("debit", "credit"), ("asset", "liability"),
    ("income revenue", "expense expenses cost"), ("profit", "loss"),
    ("surplus", "deficit"), ("inflation", "deflation"), ("bullish", "bearish"),
    ("mean average", "median"), ("mean average", "mode"), ("median", "mode"),
    ("max maximum", "average"), ("min minimum", "average"),
    ("odd", "even"), ("same similar", "different"), ("union", "intersection"),
    ("advantage pro benefit", "disadvantage con drawback risk"), ("success", "failure"),
    ("cause", "effect"), ("symptom", "cure treatment"), ("acid", "base"),
    ("acidic", "alkaline basic"), ("male", "female"), ("men", "women"), ("man", "woman"),
    ("boy", "girl"), ("adult adults", "child children kid kids"), ("raw", "cooked"),
]  # fmt: skip

# Prefixes that turn a word into its opposite (legal/illegal, install/uninstall).
NEGATING_PREFIXES = ("un", "dis", "in", "im", "il", "ir", "non", "non-", "de", "anti")
# Prefixes that are opposites of each other on the same stem (overactive/underactive,
# upgrade/downgrade, inbound/outbound, hyperthyroidism/hypothyroidism).
OPPOSITE_PREFIXES = (
    ("over", "under"), ("up", "down"), ("in", "out"), ("hyper", "hypo"), ("pre", "post"),
    ("inter", "intra"), ("micro", "macro"), ("over-", "under-"), ("pre-", "post-"),
)  # fmt: skip

# Lower-case words that name a specific thing; a different one means a different question.
NAMES = frozenset(
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
    bitcoin binary decimal hexadecimal octal
    hydrogen oxygen carbon nitrogen helium iron gold silver copper
    """.split()
)

# Units of measure, time and money. Two queries that both name units must name the same
# ones; a unit only one of them names is a rewording ("what year" / "when", "how many hours
# of sleep" / "how much sleep"), not a different question.
UNITS = frozenset(
    """
    dollar dollars euro euros pound pounds yen rupee rupees cent cents yuan franc francs
    peso pesos ruble rubles lira krona krone
    meter meters metre metres kilometer kilometers km mile miles inch inches foot feet yard
    yards centimeter centimeters cm millimeter mm gram grams kilogram kilograms kg ounce
    ounces ton tons liter liters litre litres gallon gallons celsius fahrenheit kelvin
    seconds minute minutes hour hours day days week weeks month months year years
    decade decades century centuries fortnight millisecond milliseconds microsecond
    microseconds nanosecond nanoseconds
    byte bytes kilobyte kilobytes megabyte megabytes gigabyte gigabytes terabyte terabytes
    kb mb gb tb bit bits kbps mbps gbps
    mph kph kmh knot knots hz hertz khz mhz ghz watt watts kilowatt kilowatts kw kwh
    volt volts amp amps ampere amperes ohm ohms joule joules calorie calories kcal
    newton newtons pascal psi atm lb lbs oz ml milliliter milliliters millilitre
    cup cups tablespoon tablespoons teaspoon teaspoons tbsp tsp pint pints quart quarts
    acre acres hectare hectares radian radians px pixel pixels dpi
    """.split()
)

GAZETTEER = NAMES | UNITS

# Other names of the same thing, compared as their canonical name.
ALIASES = {
    "go": "golang", "js": "javascript", "ts": "typescript", "py": "python",
    "k8s": "kubernetes", "postgres": "postgresql", "node": "nodejs", "node.js": "nodejs",
    "cpp": "c++", "csharp": "c#", "osx": "macos", "mac": "macos", "win": "windows",
    "2fa": "two-factor", "mfa": "multi-factor", "us": "usa", "nyc": "new-york",
    "tbsp": "tablespoon", "tsp": "teaspoon", "oz": "ounce", "lbs": "pound", "lb": "pound",
    "km": "kilometer", "kg": "kilogram", "cm": "centimeter", "mm": "millimeter",
    "ml": "milliliter", "hrs": "hour", "hr": "hour",
}  # fmt: skip

# Endings that make a name's adjective or demonym (Africa/African, Germany/German,
# Japan/Japanese): the same named thing, reworded.
NAME_DERIVATIONS = ("n", "an", "ian", "ese", "ish", "ic", "ern", "s", "y")

# Words that carry no content: two queries whose other words agree ask the same thing.
FUNCTION_WORDS = frozenset(
    """
    a an the is are was were be been being am do does did doing done i me my mine you your
    we our us they them their it its he she his her this that these those there here what
    which who whom whose when where why how can could should would will shall may might must
    to of in on at by for with from as about into onto over than then so if or and but
    please tell explain show give some any way ways best good get
    """.split()
)

# Verbs that carry little meaning of their own ("what makes cats purr" / "why do cats purr"):
# a query that swaps one for a content word has not swapped what it asks about.
LIGHT_VERBS = frozenset("make makes made do does did have has had need needs want wants".split())

# Words after which the next named thing is a direction (from A to B, bigger than B).
DIRECTION_MARKERS = {"to": "to", "into": "to", "from": "from", "than": "than", "per": "per"}
