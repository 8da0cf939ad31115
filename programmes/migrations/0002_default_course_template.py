"""NSPH's course as the default template: 15 days, three teaching weeks with a week's
break between them. Module names are programme data, in Swedish."""

from django.db import migrations

MODULES = [
    ("Introduktion och gruppen", "Lära känna gruppen, kursens upplägg och förväntningar.", False),
    ("Återhämtning", "Förstå återhämtningsprocesser utifrån egen och andras erfarenhet.", True),
    ("Egenmakt", "Egenmaktsutveckling (empowerment) och hur den kan stödjas.", True),
    ("Självstigma", "Hur självstigma uppstår och hur det kan minskas.", True),
    ("Rollen och dess gränser", "Peer supporterns roll, etik, tystnadsplikt och gränser.", True),
    ("Den egna berättelsen", "Att använda sin egen erfarenhet medvetet och tryggt.", True),
    ("Samtal och bemötande", "Stödjande samtal, lyssnande och att normalisera.", False),
    ("Brukarrörelsen och rättigheter", "Brukarrörelsens resurser och personens rättigheter.", False),
    ("Rollspel och praktik", "Öva svåra situationer i rollspel.", True),
    ("Arbetsplatsen och samverkan", "Att vara en del av personalgruppen och arbetsplatsen.", False),
]

# Day number → module names taught that day.
DAY_MODULES = {
    1: ["Introduktion och gruppen"],
    2: ["Återhämtning"],
    3: ["Återhämtning", "Den egna berättelsen"],
    4: ["Egenmakt"],
    5: ["Självstigma"],
    6: ["Rollen och dess gränser"],
    7: ["Rollen och dess gränser", "Samtal och bemötande"],
    8: ["Samtal och bemötande"],
    9: ["Brukarrörelsen och rättigheter"],
    10: ["Den egna berättelsen", "Rollspel och praktik"],
    11: ["Arbetsplatsen och samverkan"],
    12: ["Rollspel och praktik"],
    13: ["Rollspel och praktik", "Rollen och dess gränser"],
    14: ["Återhämtning", "Egenmakt"],
    15: ["Den egna berättelsen", "Arbetsplatsen och samverkan"],
}


def create_default_template(apps, schema_editor):
    CourseTemplate = apps.get_model("programmes", "CourseTemplate")
    CourseModule = apps.get_model("programmes", "CourseModule")
    TemplateDay = apps.get_model("programmes", "TemplateDay")
    template, created = CourseTemplate.objects.get_or_create(
        name="PEER Support – grundutbildning (NSPH)",
        defaults={
            "description": "Femveckorsutbildning: 15 heldagar, tre undervisningsveckor med en "
            "veckas uppehåll emellan.",
            "min_attendance_percent": 80,
            "is_default": True,
        },
    )
    if not created:
        return
    modules = {}
    for position, (name, aims, required) in enumerate(MODULES):
        modules[name] = CourseModule.objects.create(
            template=template, name=name, learning_aims=aims, required=required,
            position=position,
        )
    number = 1
    for week in (0, 2, 4):
        for weekday in range(5):
            day = TemplateDay.objects.create(
                template=template, number=number, week=week, weekday=weekday
            )
            day.modules.set([modules[name] for name in DAY_MODULES[number]])
            number += 1


class Migration(migrations.Migration):
    dependencies = [("programmes", "0001_initial")]

    operations = [migrations.RunPython(create_default_template, migrations.RunPython.noop)]
