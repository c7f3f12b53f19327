"""Counties (powiaty) of the Małopolskie voivodeship with their TERYT codes (GUS TERC register)."""

REGION = ("12", "województwo małopolskie")

COUNTIES = [
    ("1201", "bocheński"), ("1202", "brzeski"), ("1203", "chrzanowski"), ("1204", "dąbrowski"),
    ("1205", "gorlicki"), ("1206", "krakowski"), ("1207", "limanowski"), ("1208", "miechowski"),
    ("1209", "myślenicki"), ("1210", "nowosądecki"), ("1211", "nowotarski"), ("1212", "olkuski"),
    ("1213", "oświęcimski"), ("1214", "proszowicki"), ("1215", "suski"), ("1216", "tarnowski"),
    ("1217", "tatrzański"), ("1218", "wadowicki"), ("1219", "wielicki"),
]

CITY_COUNTIES = [("1261", "Kraków"), ("1262", "Nowy Sącz"), ("1263", "Tarnów")]
