"""The first published consent text: the self-declared lived experience of mental ill-health.

Written here, not typed into the admin, so every installation starts from the same words;
later versions are published by an admin and never replace this one.
"""

import datetime as dt

from django.db import migrations

LIVED_EXPERIENCE_SV = """\
Samtycke till att regionen sparar att du har egen erfarenhet av psykisk ohälsa

Kamratstödsprogrammet (PEER Support) är till för personer som själva har erfarenhet av psykisk \
ohälsa. Att du har en sådan erfarenhet är en uppgift om din hälsa. Enligt EU:s \
dataskyddsförordning (GDPR artikel 9) är hälsouppgifter känsliga personuppgifter. Regionen \
sparar den bara om du uttryckligen samtycker till det.

Vad vi sparar: bara att du själv säger att du har egen erfarenhet av psykisk ohälsa. Vi frågar \
aldrig efter och skriver aldrig ner någon diagnos, behandling eller sjukdomshistoria.

Vad uppgiften används till: att visa att du uppfyller programmets krav när du söker, går \
utbildningen och arbetar som kamratstödjare. Bara samordnarna i din region ser uppgiften. Den \
lämnas inte ut till arbetsplatser, enhetschefer, handledare eller forskare.

Hur länge: så länge du finns med i programmet. När dina uppgifter gallras enligt regionens \
regler tas den bort tillsammans med dem.

Frivilligt: du väljer själv om du vill samtycka. Du kan när som helst ta tillbaka ditt samtycke, \
muntligt, skriftligt eller i appen, utan att förklara varför. Då tar vi bort uppgiften direkt, \
och i din historik står att samtycket togs tillbaka och när. Det som redan har gjorts med stöd \
av samtycket påverkas inte.

Personuppgiftsansvarig är regionen. Du har rätt att få ett registerutdrag, att få fel rättade \
och att klaga hos Integritetsskyddsmyndigheten (IMY). Regionens dataskyddsombud svarar på \
frågor.
"""

LIVED_EXPERIENCE_EN = """\
Consent to the region keeping that you have own lived experience of mental ill-health

The peer support programme (PEER Support) is for people who have own experience of mental \
ill-health. That you have such experience is information about your health. Under the EU \
General Data Protection Regulation (GDPR article 9), health data is special-category personal \
data. The region keeps it only if you explicitly consent.

What we keep: only that you yourself say you have own experience of mental ill-health. We never \
ask for or write down any diagnosis, treatment or medical history.

What it is used for: to show that you meet the programme's requirement when you apply, take the \
course and work as a peer supporter. Only the coordinators in your region see it. It is not \
given to workplaces, unit managers, supervisors or researchers.

For how long: as long as you are in the programme. When your records are thinned out under the \
region's rules, it is removed with them.

Voluntary: you choose whether to consent. You can withdraw your consent at any time, verbally, \
in writing or in the app, without saying why. We then remove the information at once, and your \
history shows that consent was withdrawn and when. What was done with the consent before that \
is not affected.

The region is the controller. You have the right to a copy of your records (register extract), \
to have errors corrected and to complain to the Swedish Authority for Privacy Protection (IMY). \
The region's data protection officer answers questions.
"""


def publish(apps, schema_editor):
    ConsentText = apps.get_model("dataprotection", "ConsentText")
    ConsentText.objects.get_or_create(
        purpose="lived_experience",
        version=1,
        defaults={
            "text_sv": LIVED_EXPERIENCE_SV.strip(),
            "text_en": LIVED_EXPERIENCE_EN.strip(),
            "published_on": dt.date(2026, 12, 1),
        },
    )


class Migration(migrations.Migration):
    dependencies = [("dataprotection", "0001_consents")]

    operations = [migrations.RunPython(publish, migrations.RunPython.noop)]
