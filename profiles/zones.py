"""The time zone a city is in, from its country (or, in countries that span several zones, its
own name), for the cities Momento knows. A city not known here gets UTC, and staff set its zone
in the console (CityAdmin): the catalog of cities is written by the demo, the world generator
and staff, never typed by members."""

# Countries in one zone: the zone.
COUNTRY_ZONES = {
    "austria": "Europe/Vienna",
    "belgium": "Europe/Brussels",
    "denmark": "Europe/Copenhagen",
    "france": "Europe/Paris",
    "germany": "Europe/Berlin",
    "greece": "Europe/Athens",
    "ireland": "Europe/Dublin",
    "italy": "Europe/Rome",
    "japan": "Asia/Tokyo",
    "netherlands": "Europe/Amsterdam",
    "norway": "Europe/Oslo",
    "poland": "Europe/Warsaw",
    "portugal": "Europe/Lisbon",
    "spain": "Europe/Madrid",
    "sweden": "Europe/Stockholm",
    "switzerland": "Europe/Zurich",
    "united kingdom": "Europe/London",
}
# Cities whose country spans several zones (or whose zone is not the country's main one).
CITY_ZONES = {
    ("new york", "united states"): "America/New_York",
    ("chicago", "united states"): "America/Chicago",
    ("denver", "united states"): "America/Denver",
    ("los angeles", "united states"): "America/Los_Angeles",
    ("san francisco", "united states"): "America/Los_Angeles",
    ("montreal", "canada"): "America/Toronto",
    ("toronto", "canada"): "America/Toronto",
    ("vancouver", "canada"): "America/Vancouver",
    ("funchal", "portugal"): "Atlantic/Madeira",
    ("ponta delgada", "portugal"): "Atlantic/Azores",
    ("las palmas", "spain"): "Atlantic/Canary",
    ("santa cruz de tenerife", "spain"): "Atlantic/Canary",
}
DEFAULT_ZONE = "UTC"


def zone_for(name: str, country: str) -> str:
    """The IANA zone of a city, by name and country (any case), or UTC when unknown."""
    key = (name.strip().lower(), country.strip().lower())
    return CITY_ZONES.get(key) or COUNTRY_ZONES.get(key[1], DEFAULT_ZONE)
