"""Word lists for the synthetic demo partnership.

Common English given names and surnames, and everyday place words, combined by the generator
with a seeded random source. Any resemblance of a combination to a real person or school is
coincidence: the area, the URNs (9xxxxx) and the LA code (999) are invented, and every email
address ends in ``.invalid`` so that nothing can ever be delivered to it.
"""

from __future__ import annotations

AREA = "Westmere"
LA_CODE = "999"
URN_FIRST = 900000
URN_LAST = 999999
PASSWORD = "demo-partnership-2026"  # noqa: S105 - the published demo password
EMAIL_DOMAIN = "demo.invalid"

GIVEN_NAMES = (
    "Aisha", "Alex", "Amelia", "Amir", "Beth", "Bilal", "Callum", "Carys", "Chloe", "Daniel",
    "Deborah", "Dev", "Eleanor", "Ellis", "Farah", "Fiona", "Gareth", "Grace", "Hannah", "Harpreet",
    "Imran", "Isla", "Jack", "Jasmine", "Joanne", "Jordan", "Kamala", "Karen", "Kieran", "Laura",
    "Leon", "Lucy", "Mark", "Maya", "Megan", "Mohammed", "Nadia", "Naomi", "Neil", "Niamh",
    "Oliver", "Olivia", "Priya", "Rachel", "Rhys", "Rosa", "Ruth", "Sam", "Sarah", "Simon",
    "Sophie", "Stuart", "Tariq", "Tom", "Usha", "Vikram", "Wendy", "Yasmin", "Zara", "Zoe",
)  # fmt: skip

SURNAMES = (
    "Ahmed", "Allen", "Bailey", "Baker", "Bennett", "Brooks", "Campbell", "Carter", "Chapman",
    "Clarke", "Collins", "Cooper", "Davies", "Dixon", "Edwards", "Ellis", "Evans", "Fisher",
    "Foster", "Gill", "Graham", "Green", "Hall", "Harris", "Hughes", "Hussain", "Jackson", "James",
    "Kaur", "Kelly", "Khan", "King", "Lewis", "Marshall", "Mason", "Mills", "Morgan", "Murphy",
    "Owen", "Palmer", "Parker", "Patel", "Price", "Reid", "Roberts", "Robinson", "Shaw", "Singh",
    "Stevens", "Taylor", "Thomas", "Turner", "Walker", "Ward", "Watson", "Webb", "Wilson", "Wright",
    "Young", "Yusuf",
)  # fmt: skip

# First halves of school names: trees, birds, landforms and old field names.
PLACE_WORDS = (
    "Alder", "Ashby", "Aspen", "Badger", "Barley", "Beacon", "Beech", "Birch", "Blackthorn",
    "Bluebell", "Bramble", "Brook", "Buttercup", "Canal", "Castle", "Cedar", "Chalk", "Cherry",
    "Chestnut", "Church", "Clover", "Cobble", "Copper", "Crane", "Cress", "Dale", "Dove", "Elder",
    "Elm", "Fern", "Field", "Finch", "Fox", "Furze", "Glebe", "Gorse", "Hawthorn", "Hazel",
    "Heath", "Heron", "Holly", "Hollin", "Ivy", "Juniper", "Kestrel", "Kingfisher", "Lark",
    "Laurel", "Lime", "Linnet", "Maple", "Marsh", "Meadow", "Mill", "Moss", "Nettle", "Oak",
    "Orchard", "Osier", "Otter", "Owl", "Pebble", "Pine", "Plover", "Poplar", "Quarry", "Raven",
    "Reed", "Robin", "Rowan", "Rush", "Sedge", "Sorrel", "Spring", "Stone", "Swallow", "Swan",
    "Sycamore", "Teasel", "Thistle", "Thorn", "Wagtail", "Walnut", "Water", "Wheat", "Willow",
    "Wren", "Yew",
)  # fmt: skip

# Second halves: what the place is.
PLACE_FEATURES = (
    "Bank", "Bridge", "Brook", "Close", "Common", "Cross", "End", "Farm", "Field", "Gate",
    "Green", "Grove", "Hill", "House", "Lane", "Lea", "Mead", "Park", "Road", "Side", "Vale",
    "View", "Way", "Wood",
)  # fmt: skip

SAINTS = ("St Anne's", "St Bede's", "St Chad's", "St Hilda's", "St Luke's", "St Mary's",
          "St Oswald's", "St Peter's", "Holy Trinity", "Christ Church", "St Thomas More",
          "Holy Family")  # fmt: skip
