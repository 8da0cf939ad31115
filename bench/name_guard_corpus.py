"""Write the name guard's test corpus, tests/data/name_guard_corpus.json.

600 support-session reflections as peer supporters write them, without names, built from
sentence templates about the themes of peer support (sleep, money, relationships, rights, work,
housing, care contacts, recovery), with months, weekdays, agencies and places; and each text
again with a person's name planted in one of eight ways (a first name at a sentence start or
mid-sentence, "Anna S.", a full name, a surname, a genitive, …). The planted names are the
commonest Swedish names in names-dataset (``uv sync --group namelist``), not the guard's own
list, so names that are also words ("Bo", "Per") are planted as often as real life has them.

    .venv/bin/python bench/name_guard_corpus.py
"""

from __future__ import annotations

import json
import random
from pathlib import Path

OUTPUT = Path(__file__).resolve().parent.parent / "tests" / "data" / "name_guard_corpus.json"
TEXTS = 600
SEED = 9

MONTHS = "januari februari mars april maj juni juli augusti september oktober november december"
WEEKDAYS = "måndag tisdag onsdag torsdag fredag lördag söndag"
AGENCIES = [
    "Försäkringskassan",
    "Arbetsförmedlingen",
    "Kronofogden",
    "Skatteverket",
    "CSN",
    "Migrationsverket",
    "socialtjänsten",
    "Region Stockholm",
    "Region Skåne",
]
SUPPORT = [
    "Fontänhuset",
    "RSMH",
    "Hjärnkoll",
    "Attention",
    "Stadsmissionen",
    "Hyresgästföreningen",
    "Röda Korset",
    "ABF",
    "Friskis & Svettis",
]
PLACES = [
    "Stockholm",
    "Göteborg",
    "Malmö",
    "Uppsala",
    "Västerås",
    "Örebro",
    "Linköping",
    "Helsingborg",
    "Norrköping",
    "Jönköping",
    "Umeå",
    "Gävle",
    "Sundsvall",
    "Eskilstuna",
    "Södertälje",
    "Karlstad",
    "Växjö",
    "Luleå",
    "Skåne",
    "Norrland",
    "Södermalm",
    "Gotland",
    "Lund",
    "Kristianstad",
    "Kalmar",
    "Falun",
    "Borås",
    "Halmstad",
    "Trollhättan",
    "Östersund",
]
WHEN = [
    "i går",
    "förra veckan",
    "i helgen",
    "i morse",
    "för två veckor sedan",
    "under sommaren",
    "efter jul",
    "sedan i våras",
    "på {weekday}en",
    "i {month}",
    "i början av {month}",
    "sedan {month}",
]
FEELINGS = ["orolig", "trött", "lättad", "nedstämd", "hoppfull", "stressad", "arg", "glad", "ensam"]

OPENERS = [
    "Vi sågs på kaféet som vanligt.",
    "Samtalet skedde per telefon.",
    "Vi tog en promenad i parken.",
    "Vi träffades på mottagningen {when}.",
    "Det var första gången vi sågs.",
    "Personen hade själv bett om ett samtal.",
    "Vi hade ett kort samtal innan gruppen.",
    "Idag var det ett längre samtal än vanligt.",
    "Mötet blev lite försenat.",
    "Hen kom i tid och verkade {feeling}.",
    "Deltagaren ringde och ville prata.",
    "Vi fortsatte där vi slutade förra gången.",
    "Per telefon går det ofta lättare att prata.",
    "Hans situation har förändrats mycket {when}.",
    "Hennes vecka hade varit tung.",
]
THEMES = {
    "sleep": [
        "Sömnen har varit dålig {when} och hen vaknar ofta vid tre.",
        "Vi pratade om rutiner kring kvällen och att lägga undan mobilen.",
        "Hen sover bättre sedan medicinen ändrades.",
        "Trötthet gör att dagarna känns långa.",
        "Mardrömmarna har kommit tillbaka {when}.",
        "Dag för dag blir det lite lättare att somna.",
        "Vi delade tips om vila och återhämtning.",
        "Hen har börjat skriva dagbok innan sänggåendet.",
    ],
    "money": [
        "Ekonomin är ett stort orosmoment just nu.",
        "Det kom ett brev från {agency} om en skuld.",
        "Vi gick igenom en budget tillsammans.",
        "Hen har svårt att betala hyran i slutet av månaden.",
        "Ansökan om bostadsbidrag skickades {when}.",
        "Pengarna räcker inte till mat hela månaden.",
        "Vi pratade om att kontakta budget- och skuldrådgivningen.",
        "Klara besked från {agency} skulle göra stor skillnad.",
    ],
    "relationships": [
        "Relationen till familjen är ansträngd.",
        "Hen saknar vänner att umgås med på helgerna.",
        "Hans bror hör av sig allt mer sällan.",
        "Barnen ska flytta hem igen {when}.",
        "Hen har gjort slut med sin partner.",
        "Vi pratade om ensamhet och hur man kan hitta sammanhang.",
        "Mamman är sjuk och det tar mycket kraft.",
        "Det var fint att höra om en ny vänskap.",
    ],
    "rights": [
        "Vi pratade om rätten att få en samordnad individuell plan.",
        "Hen visste inte att man kan överklaga beslutet från {agency}.",
        "Ett ombud kan följa med till mötet med {agency}.",
        "Vi läste igenom beslutet tillsammans.",
        "Hen vill klaga på bemötandet på avdelningen.",
        "Patientnämnden kan vara ett stöd i det här.",
        "Vi gick igenom vad sekretess innebär i vården.",
        "Stark oro för att bli av med sjukpenningen.",
    ],
    "work": [
        "Hen har fått en praktikplats via {agency}.",
        "Arbetsträningen börjar på {weekday}.",
        "Det är svårt att orka med heltid.",
        "Chefen har varit förstående {when}.",
        "Vi pratade om att söka jobb inom vården.",
        "Hen funderar på att börja studera igen med stöd från {agency}.",
        "Sjukskrivningen förlängdes till slutet av {month}.",
        "Ett möte med arbetsgivaren är bokat i {month}.",
    ],
    "housing": [
        "Boendet i {place} är osäkert just nu.",
        "Hen står i bostadskö och hoppas på en lägenhet i {place}.",
        "Grannarna stör på nätterna.",
        "Flytten till {place} är planerad till {month}.",
        "Bo kvar eller flytta var en stor fråga för hen.",
        "Lägenheten behöver städas och det känns övermäktigt.",
        "Hen har fått ett andrahandskontrakt på Södermalm.",
        "Socialtjänsten har lovat att hjälpa till med boendet.",
    ],
    "care": [
        "Kontakten med vårdcentralen fungerar bra.",
        "Hen har fått en ny kontaktperson på psykiatrin.",
        "Läkarbesöket blev inställt {when}.",
        "Vi pratade om hur man förbereder sig inför ett vårdmöte.",
        "Det har varit svårt att nå mottagningen via 1177.",
        "Hen vill byta terapeut men vet inte hur.",
        "Medicinen ger biverkningar som hen vill ta upp med läkaren.",
        "Ring mottagningen direkt om det blir värre, sa jag.",
    ],
    "recovery": [
        "Vi pratade om vad som hjälper när det är tungt.",
        "Hen berättade om sin återhämtning och var stolt.",
        "Jag delade lite av min egen erfarenhet av att komma tillbaka.",
        "Hen har börjat gå på {support} två gånger i veckan.",
        "Frisk luft och promenader har hjälpt.",
        "Små steg framåt känns viktiga nu.",
        "Hen vill gå med i en självhjälpsgrupp i {place}.",
        "Hen har fått kontakt med {support} i {place}.",
        "Hoppet har kommit tillbaka {when}.",
        "Maj har alltid varit en svår månad för hen.",
    ],
}
CLOSERS = [
    "Vi bestämde att ses igen nästa vecka.",
    "Nästa träff blir på {weekday}.",
    "Jag kände att samtalet var givande.",
    "Hen verkade {feeling} när vi skildes.",
    "Jag tar upp frågan i handledningen.",
    "Vi avslutade med att planera nästa steg.",
    "Till slut skrattade vi båda.",
    "Efteråt kände jag mig lite tung själv.",
    "Ett bra samtal.",
]

# How a name is planted: {first}, {surname}, {initial} are filled in.
PLANTINGS = [
    "{first} ringde igen {when}.",
    "Jag pratade länge med {first} om det.",
    "{first} {initial}. var med idag.",
    "Vi träffade {first} {surname} på mötet.",
    "{surname} har fått avslag från {agency}.",
    "{first}s kontaktperson har slutat.",
    "Enligt {surname} är det bättre nu.",
    "Hen sa att {first} inte vill komma mer.",
]


def _fill(template: str, rng: random.Random, **names: str) -> str:
    when = rng.choice(WHEN).format(
        weekday=rng.choice(WEEKDAYS.split()), month=rng.choice(MONTHS.split())
    )
    return template.format(
        when=when,
        month=rng.choice(MONTHS.split()),
        weekday=rng.choice(WEEKDAYS.split()),
        agency=rng.choice(AGENCIES),
        support=rng.choice(SUPPORT),
        place=rng.choice(PLACES),
        feeling=rng.choice(FEELINGS),
        **names,
    )


def reflection(rng: random.Random) -> list[str]:
    """One reflection, as its sentences."""
    themes = rng.sample(sorted(THEMES), k=rng.choice((1, 2, 2, 3)))
    sentences = [rng.choice(OPENERS)] if rng.random() < 0.7 else []
    for theme in themes:
        sentences += rng.sample(THEMES[theme], k=rng.choice((1, 2, 2, 3)))
    if rng.random() < 0.6:
        sentences.append(rng.choice(CLOSERS))
    return [_fill(sentence, rng) for sentence in sentences]


def common_names() -> tuple[list[str], list[str]]:
    from names_dataset import NameDataset

    dataset = NameDataset()
    first = dataset.get_top_names(n=200, country_alpha2="SE")["SE"]
    surnames = dataset.get_top_names(n=300, country_alpha2="SE", use_first_names=False)["SE"]
    single = [name for name in first["F"] + first["M"] if name.isalpha()]
    return single, [name for name in surnames if name.isalpha()]


def main() -> None:
    rng = random.Random(SEED)
    first_names, surnames = common_names()
    items = []
    for number in range(TEXTS):
        sentences = reflection(rng)
        planting = PLANTINGS[number % len(PLANTINGS)]
        first, surname = rng.choice(first_names), rng.choice(surnames)
        planted_sentence = _fill(planting, rng, first=first, surname=surname, initial=surname[0])
        position = rng.randrange(len(sentences) + 1)
        planted = sentences[:position] + [planted_sentence] + sentences[position:]
        items.append(
            {
                "text": " ".join(sentences),
                "planted": " ".join(planted),
                "name": surname if "{first}" not in planting else first,
            }
        )
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    document = {"source": "bench/name_guard_corpus.py", "seed": SEED, "texts": items}
    OUTPUT.write_text(json.dumps(document, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"Wrote {len(items)} reflections to {OUTPUT}.")


if __name__ == "__main__":
    main()
