"""The region's reference data: municipalities, the travel graph, languages,
interests and needs.

Sources of the figures:
- Municipality codes: SCB's kommunkoder for Jämtlands län (county 23).
- Seats: the centralort of each municipality. Coordinates are the WGS 84
  position of the seat's centre, rounded to about 100 m (read off
  Lantmäteriet's map).
- Driving minutes: the project's own estimates, made from the road length
  along the route named in `via` at the usual speed limits (70-100 km/h) and
  rounded to 5 minutes. They rank who is nearer; they are no timetable.
  Replace them with a route planner's figures when someone has checked them
  (a later migration, so every installation gets the same numbers).

Interests and needs are an editable catalogue: coordinators add and retire
entries in the admin; this migration only seeds it.
"""

from django.db import migrations

MUNICIPALITIES = [
    # code, name, seat, latitude, longitude
    ("2303", "Ragunda", "Hammarstrand", "63.10360", "16.34600"),
    ("2305", "Bräcke", "Bräcke", "62.75000", "15.41800"),
    ("2309", "Krokom", "Krokom", "63.32620", "14.45640"),
    ("2313", "Strömsund", "Strömsund", "63.85200", "15.55600"),
    ("2321", "Åre", "Järpen", "63.34780", "13.46800"),
    ("2326", "Berg", "Svenstavik", "62.76850", "14.43590"),
    ("2361", "Härjedalen", "Sveg", "62.03450", "14.35770"),
    ("2380", "Östersund", "Östersund", "63.17670", "14.63610"),
]

ROADS = [
    # from, to, driving minutes, via
    ("2380", "2309", 20, "E14"),
    ("2309", "2321", 45, "E14"),
    ("2380", "2305", 55, "E14"),
    ("2380", "2326", 55, "Road 45 south"),
    ("2326", "2361", 70, "Road 45 south"),
    ("2380", "2313", 80, "Road 45 north via Lit"),
    ("2309", "2313", 85, "County road to Lit, then road 45"),
    ("2380", "2303", 80, "County roads via Stugun"),
    ("2305", "2303", 50, "County roads via Kälarne"),
    ("2313", "2303", 75, "County roads"),
    ("2321", "2326", 85, "Road 321 via Oviken"),
]

LANGUAGES = [
    # code, name in the language, in Swedish, in English, right to left
    ("sv", "svenska", "svenska", "Swedish", False),
    ("en", "English", "engelska", "English", False),
    ("ar", "العربية", "arabiska", "Arabic", True),
    ("so", "Soomaali", "somaliska", "Somali", False),
    ("ti", "ትግርኛ", "tigrinja", "Tigrinya", False),
    ("am", "አማርኛ", "amhariska", "Amharic", False),
    ("prs", "دری", "dari", "Dari", True),
    ("fa", "فارسی", "persiska", "Persian", True),
    ("ps", "پښتو", "pashto", "Pashto", True),
    ("ku", "Kurdî", "kurdiska", "Kurdish", False),
    ("uk", "українська", "ukrainska", "Ukrainian", False),
    ("ru", "русский", "ryska", "Russian", False),
    ("pl", "polski", "polska", "Polish", False),
    ("ro", "română", "rumänska", "Romanian", False),
    ("de", "Deutsch", "tyska", "German", False),
    ("nl", "Nederlands", "nederländska", "Dutch", False),
    ("es", "español", "spanska", "Spanish", False),
    ("pt", "português", "portugisiska", "Portuguese", False),
    ("it", "italiano", "italienska", "Italian", False),
    ("fr", "français", "franska", "French", False),
    ("fi", "suomi", "finska", "Finnish", False),
    ("no", "norsk", "norska", "Norwegian", False),
    ("sma", "åarjelsaemien gïele", "sydsamiska", "Southern Sami", False),
    ("th", "ไทย", "thailändska", "Thai", False),
    ("tr", "Türkçe", "turkiska", "Turkish", False),
    ("hi", "हिन्दी", "hindi", "Hindi", False),
    ("ur", "اردو", "urdu", "Urdu", True),
    ("zh", "中文", "kinesiska", "Chinese", False),
]

INTERESTS = [
    # slug, English, Swedish, Arabic, Ukrainian
    ("outdoor-life", "Outdoor life", "Friluftsliv", "الحياة في الطبيعة", "Відпочинок на природі"),
    ("mountain-hiking", "Hiking in the mountains", "Fjällvandring", "المشي في الجبال", "Походи в гори"),
    ("skiing", "Skiing", "Skidåkning", "التزلج", "Лижі"),
    ("hunting-fishing", "Hunting and fishing", "Jakt och fiske", "الصيد", "Полювання та риболовля"),
    ("cooking", "Cooking", "Matlagning", "الطبخ", "Кулінарія"),
    ("music", "Music", "Musik", "الموسيقى", "Музика"),
    ("football", "Football", "Fotboll", "كرة القدم", "Футбол"),
    ("ice-hockey", "Ice hockey", "Ishockey", "هوكي الجليد", "Хокей"),
    ("running", "Running", "Löpning", "الجري", "Біг"),
    ("crafts", "Crafts", "Hantverk", "الحِرف اليدوية", "Рукоділля"),
    ("gaming", "Gaming", "Spel", "ألعاب الفيديو", "Відеоігри"),
    ("reading", "Books and reading", "Böcker och läsning", "الكتب والقراءة", "Книги та читання"),
    ("parenting", "Parenting", "Föräldraskap", "تربية الأطفال", "Батьківство"),
]

NEEDS = [
    ("housing", "Housing", "Bostad", "السكن", "Житло"),
    ("partner-work", "Work for a partner", "Arbete för en partner", "عمل للشريك", "Робота для партнера"),
    ("school", "School and preschool", "Skola och förskola", "المدرسة والروضة", "Школа та дитсадок"),
    ("healthcare", "Healthcare", "Vård", "الرعاية الصحية", "Медична допомога"),
    ("swedish", "Learning Swedish", "Lära sig svenska", "تعلّم السويدية", "Вивчення шведської"),
    ("leisure", "Leisure", "Fritid", "أوقات الفراغ", "Дозвілля"),
    ("getting-around", "Getting around", "Att ta sig runt", "التنقل", "Пересування"),
    (
        "authorities",
        "Understanding Swedish authorities",
        "Förstå svenska myndigheter",
        "فهم الجهات الحكومية السويدية",
        "Розуміння шведських установ",
    ),
]


def add_reference_data(apps, schema_editor):
    Municipality = apps.get_model("ambassadors", "Municipality")
    Road = apps.get_model("ambassadors", "Road")
    Language = apps.get_model("ambassadors", "Language")
    Interest = apps.get_model("ambassadors", "Interest")
    Need = apps.get_model("ambassadors", "Need")

    by_code = {}
    for code, name, seat, latitude, longitude in MUNICIPALITIES:
        by_code[code], _ = Municipality.objects.update_or_create(
            code=code,
            defaults={"name": name, "seat": seat, "latitude": latitude, "longitude": longitude},
        )
    for start, end, minutes, via in ROADS:
        Road.objects.update_or_create(
            start=by_code[start], end=by_code[end], defaults={"minutes": minutes, "via": via}
        )
    for code, native, swedish, english, rtl in LANGUAGES:
        Language.objects.update_or_create(
            code=code,
            defaults={
                "name_native": native,
                "name_sv": swedish,
                "name_en": english,
                "right_to_left": rtl,
            },
        )
    for model, rows in ((Interest, INTERESTS), (Need, NEEDS)):
        for slug, english, swedish, arabic, ukrainian in rows:
            model.objects.update_or_create(
                slug=slug,
                defaults={
                    "name_en": english,
                    "name_sv": swedish,
                    "name_ar": arabic,
                    "name_uk": ukrainian,
                },
            )


class Migration(migrations.Migration):
    dependencies = [("ambassadors", "0001_initial")]

    operations = [migrations.RunPython(add_reference_data, migrations.RunPython.noop)]
