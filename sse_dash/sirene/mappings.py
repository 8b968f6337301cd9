"""Classification tables: SSE family from the INSEE legal category, NAF rév. 2 sections and
divisions, and the SIRENE employee-size bands (« tranches d'effectifs »).

Family of a legal unit (`categorieJuridiqueUniteLegale`, 4-digit INSEE code, level III), checked
in this order; only units with `economieSocialeSolidaireUniteLegale = 'O'` are classified:

| family        | codes                                                                     |
|---------------|---------------------------------------------------------------------------|
| association   | 92xx (9210 non déclarée, 9220 déclarée, 9221 insertion, 9222 intermédiaire, |
|               | 9223 groupement d'employeurs, 9224, 9230 RUP, 9240 congrégation, 9260 droit local) |
| fondation     | 9300                                                                      |
| mutuelle      | 82xx (8210 mutuelle, 8250 assurance mutuelle agricole, 8290 autre organisme |
|               | mutualiste), 6411–6414 (sociétés d'assurance à forme mutuelle / mutuelles   |
|               | d'assurance / unions / autres sociétés non commerciales d'assurance)        |
| cooperative   | COOPERATIVE_CODES: banques coopératives et mutualistes (5191–5196, 6100,   |
|               | 6595, 6596), SNC/SCS/SCA coopératives (5203, 5307, 5309), SARL coopératives |
|               | (5443, 5451, 5453–5455, 5458 SCOP, 5459, 5460 autre dont SCIC), SA          |
|               | coopératives à conseil d'administration (5543, 5547, 5551–5555, 5558 SCOP,  |
|               | 5559, 5560) et à directoire (5643, 5647, 5651–5655, 5658 SCOP, 5659, 5660), |
|               | coopératives agricoles (6316 CUMA, 6317, 6318), sociétés civiles            |
|               | coopératives (6543, 6551, 6554, 6558, 6560)                                 |
| societe_ess   | any other commercial company (5xxx: SARL, SA, SAS…) flagged ESS             |
|               | (« entreprises de l'ESS » under art. 1 of the 2014 law, incl. ESUS)         |
| autre         | everything else flagged ESS (public bodies, 83xx comités d'entreprise /     |
|               | CSE, 84xx organismes professionnels, 85xx institutions de prévoyance, 9110 |
|               | syndicats de copropriété, 9900, 9970, civil companies that are not coops…)  |

83xx are « Comité central d'entreprise » / « Comité d'établissement » in INSEE's list, not mutual
organisations, hence `autre`. Unknown or missing codes fall in `autre`."""

from __future__ import annotations

import re

import pandas as pd

FAMILIES: tuple[tuple[str, str, str, int], ...] = (
    ("association", "Associations", "Associations", 1),
    ("cooperative", "Coopératives", "Cooperatives", 2),
    ("mutuelle", "Mutuelles", "Mutual societies", 3),
    ("fondation", "Fondations", "Foundations", 4),
    ("societe_ess", "Sociétés commerciales de l'ESS", "SSE commercial companies", 5),
    ("autre", "Autres structures de l'ESS", "Other SSE organisations", 6),
)
FAMILY_CODES = tuple(f[0] for f in FAMILIES)

COOPERATIVE_CODES = frozenset(
    "5191 5192 5193 5194 5195 5196 6100 6595 6596 5203 5307 5309 "
    "5443 5451 5453 5454 5455 5458 5459 5460 "
    "5543 5547 5551 5552 5553 5554 5555 5558 5559 5560 "
    "5643 5647 5651 5652 5653 5654 5655 5658 5659 5660 "
    "6316 6317 6318 6543 6551 6554 6558 6560".split()
)
MUTUAL_INSURANCE_CODES = frozenset({"6411", "6412", "6413", "6414"})

# Labels (INSEE « catégories juridiques », niveau III) for the codes the SSE mostly uses.
LEGAL_CATEGORY_LABELS: dict[str, str] = {
    "5191": "Société de caution mutuelle",
    "5192": "Société coopérative de banque populaire",
    "5193": "Caisse de crédit maritime mutuel",
    "5194": "Caisse (fédérale) de crédit mutuel",
    "5195": "Association coopérative inscrite (droit local Alsace Moselle)",
    "5196": "Caisse d'épargne et de prévoyance à forme coopérative",
    "5203": "Société en nom collectif coopérative",
    "5307": "Société en commandite simple coopérative",
    "5309": "Société en commandite par actions coopérative",
    "5443": "SARL coopérative de construction",
    "5451": "SARL coopérative de consommation",
    "5453": "SARL coopérative artisanale",
    "5454": "SARL coopérative d'intérêt maritime",
    "5455": "SARL coopérative de transport",
    "5458": "SARL coopérative ouvrière de production (SCOP)",
    "5459": "SARL union de sociétés coopératives",
    "5460": "Autre SARL coopérative",
    "5499": "Société à responsabilité limitée (sans autre indication)",
    "5543": "SA coopérative de construction à conseil d'administration",
    "5547": "SA coopérative de production de HLM à conseil d'administration",
    "5551": "SA coopérative de consommation à conseil d'administration",
    "5552": "SA coopérative de commerçants-détaillants à conseil d'administration",
    "5553": "SA coopérative artisanale à conseil d'administration",
    "5554": "SA coopérative (d'intérêt) maritime à conseil d'administration",
    "5555": "SA coopérative de transport à conseil d'administration",
    "5558": "SA coopérative ouvrière de production (SCOP) à conseil d'administration",
    "5559": "SA union de sociétés coopératives à conseil d'administration",
    "5560": "Autre SA coopérative à conseil d'administration",
    "5599": "SA à conseil d'administration (s.a.i.)",
    "5643": "SA coopérative de construction à directoire",
    "5647": "Société coopérative de production de HLM anonyme à directoire",
    "5651": "SA coopérative de consommation à directoire",
    "5652": "SA coopérative de commerçants-détaillants à directoire",
    "5653": "SA coopérative artisanale à directoire",
    "5654": "SA coopérative d'intérêt maritime à directoire",
    "5655": "SA coopérative de transport à directoire",
    "5658": "SA coopérative ouvrière de production (SCOP) à directoire",
    "5659": "SA union de sociétés coopératives à directoire",
    "5660": "Autre SA coopérative à directoire",
    "5699": "SA à directoire (s.a.i.)",
    "5710": "SAS, société par actions simplifiée",
    "5720": "Société par actions simplifiée à associé unique",
    "6100": "Caisse d'épargne et de prévoyance",
    "6316": "Coopérative d'utilisation de matériel agricole en commun (CUMA)",
    "6317": "Société coopérative agricole",
    "6318": "Union de sociétés coopératives agricoles",
    "6411": "Société d'assurance à forme mutuelle",
    "6412": "Société mutuelle d'assurance",
    "6413": "Union de sociétés mutuelles d'assurances",
    "6414": "Autre société non commerciale d'assurance",
    "6543": "Société civile coopérative de construction",
    "6551": "Société civile coopérative de consommation",
    "6554": "Société civile coopérative d'intérêt maritime",
    "6558": "Société civile coopérative entre médecins",
    "6560": "Autre société civile coopérative",
    "6595": "Caisse locale de crédit mutuel",
    "6596": "Caisse de crédit agricole mutuel",
    "6599": "Autre société civile",
    "8210": "Mutuelle",
    "8250": "Assurance mutuelle agricole",
    "8290": "Autre organisme mutualiste",
    "8310": "Comité central d'entreprise",
    "8311": "Comité d'établissement",
    "8410": "Syndicat de salariés",
    "8420": "Syndicat patronal",
    "8490": "Autre organisme professionnel",
    "8510": "Institution de prévoyance",
    "8520": "Institution de retraite supplémentaire",
    "9110": "Syndicat de copropriété",
    "9150": "Association syndicale libre",
    "9210": "Association non déclarée",
    "9220": "Association déclarée",
    "9221": "Association déclarée d'insertion par l'économique",
    "9222": "Association intermédiaire",
    "9223": "Groupement d'employeurs",
    "9224": "Association d'avocats à responsabilité professionnelle individuelle",
    "9230": "Association déclarée, reconnue d'utilité publique",
    "9240": "Congrégation",
    "9260": "Association de droit local (Bas-Rhin, Haut-Rhin et Moselle)",
    "9300": "Fondation",
    "9900": "Autre personne morale de droit privé",
    "9970": "Groupement de coopération sanitaire à gestion privée",
}


def family_of(code: str | None) -> str:
    """SSE family of a legal category code (see the module table); never fails."""
    c = (code or "").strip()
    if len(c) != 4 or not c.isdigit():
        return "autre"
    if c.startswith("92"):
        return "association"
    if c == "9300":
        return "fondation"
    if c.startswith("82") or c in MUTUAL_INSURANCE_CODES:
        return "mutuelle"
    if c in COOPERATIVE_CODES:
        return "cooperative"
    if c.startswith("5"):
        return "societe_ess"
    return "autre"


# ------------------------------------------------------------------ NAF rév. 2
NAF_SECTIONS: tuple[tuple[str, str, str, int, int], ...] = (
    # code, French label, English label, first division, last division
    ("A", "Agriculture, sylviculture et pêche", "Agriculture, forestry and fishing", 1, 3),
    ("B", "Industries extractives", "Mining and quarrying", 5, 9),
    ("C", "Industrie manufacturière", "Manufacturing", 10, 33),
    (
        "D",
        "Production et distribution d'électricité, de gaz, de vapeur et d'air conditionné",
        "Electricity, gas, steam and air conditioning supply",
        35,
        35,
    ),
    (
        "E",
        "Production et distribution d'eau ; assainissement, gestion des déchets et dépollution",
        "Water supply, sewerage, waste management and remediation",
        36,
        39,
    ),
    ("F", "Construction", "Construction", 41, 43),
    (
        "G",
        "Commerce ; réparation d'automobiles et de motocycles",
        "Wholesale and retail trade; repair of motor vehicles",
        45,
        47,
    ),
    ("H", "Transports et entreposage", "Transportation and storage", 49, 53),
    ("I", "Hébergement et restauration", "Accommodation and food service", 55, 56),
    ("J", "Information et communication", "Information and communication", 58, 63),
    ("K", "Activités financières et d'assurance", "Financial and insurance activities", 64, 66),
    ("L", "Activités immobilières", "Real estate activities", 68, 68),
    (
        "M",
        "Activités spécialisées, scientifiques et techniques",
        "Professional, scientific and technical activities",
        69,
        75,
    ),
    (
        "N",
        "Activités de services administratifs et de soutien",
        "Administrative and support service activities",
        77,
        82,
    ),
    ("O", "Administration publique", "Public administration and defence", 84, 84),
    ("P", "Enseignement", "Education", 85, 85),
    ("Q", "Santé humaine et action sociale", "Human health and social work", 86, 88),
    (
        "R",
        "Arts, spectacles et activités récréatives",
        "Arts, entertainment and recreation",
        90,
        93,
    ),
    ("S", "Autres activités de services", "Other service activities", 94, 96),
    (
        "T",
        "Activités des ménages en tant qu'employeurs ; activités indifférenciées des ménages "
        "en tant que producteurs de biens et services pour usage propre",
        "Activities of households as employers",
        97,
        98,
    ),
    ("U", "Activités extra-territoriales", "Extraterritorial organisations", 99, 99),
)


def translatable_labels() -> list[str]:
    """French labels the pages translate through the gettext catalogue (families, NAF
    sections): scripts/i18n_catalog.py extracts them with the texts of the code. The English
    columns above stay in the warehouse for SQL users; a new language needs only its `.po`."""
    return [f[1] for f in FAMILIES] + [s[1] for s in NAF_SECTIONS]


NAF_DIVISIONS: dict[str, str] = {
    "01": "Culture et production animale, chasse et services annexes",
    "02": "Sylviculture et exploitation forestière",
    "03": "Pêche et aquaculture",
    "05": "Extraction de houille et de lignite",
    "06": "Extraction d'hydrocarbures",
    "07": "Extraction de minerais métalliques",
    "08": "Autres industries extractives",
    "09": "Services de soutien aux industries extractives",
    "10": "Industries alimentaires",
    "11": "Fabrication de boissons",
    "12": "Fabrication de produits à base de tabac",
    "13": "Fabrication de textiles",
    "14": "Industrie de l'habillement",
    "15": "Industrie du cuir et de la chaussure",
    "16": "Travail du bois et fabrication d'articles en bois et en liège, hors meubles",
    "17": "Industrie du papier et du carton",
    "18": "Imprimerie et reproduction d'enregistrements",
    "19": "Cokéfaction et raffinage",
    "20": "Industrie chimique",
    "21": "Industrie pharmaceutique",
    "22": "Fabrication de produits en caoutchouc et en plastique",
    "23": "Fabrication d'autres produits minéraux non métalliques",
    "24": "Métallurgie",
    "25": "Fabrication de produits métalliques, hors machines et équipements",
    "26": "Fabrication de produits informatiques, électroniques et optiques",
    "27": "Fabrication d'équipements électriques",
    "28": "Fabrication de machines et équipements n.c.a.",
    "29": "Industrie automobile",
    "30": "Fabrication d'autres matériels de transport",
    "31": "Fabrication de meubles",
    "32": "Autres industries manufacturières",
    "33": "Réparation et installation de machines et d'équipements",
    "35": "Production et distribution d'électricité, de gaz, de vapeur et d'air conditionné",
    "36": "Captage, traitement et distribution d'eau",
    "37": "Collecte et traitement des eaux usées",
    "38": "Collecte, traitement et élimination des déchets ; récupération",
    "39": "Dépollution et autres services de gestion des déchets",
    "41": "Construction de bâtiments",
    "42": "Génie civil",
    "43": "Travaux de construction spécialisés",
    "45": "Commerce et réparation d'automobiles et de motocycles",
    "46": "Commerce de gros, hors automobiles et motocycles",
    "47": "Commerce de détail, hors automobiles et motocycles",
    "49": "Transports terrestres et transport par conduites",
    "50": "Transports par eau",
    "51": "Transports aériens",
    "52": "Entreposage et services auxiliaires des transports",
    "53": "Activités de poste et de courrier",
    "55": "Hébergement",
    "56": "Restauration",
    "58": "Édition",
    "59": "Production de films, de vidéo et de programmes de télévision ; enregistrement sonore",
    "60": "Programmation et diffusion",
    "61": "Télécommunications",
    "62": "Programmation, conseil et autres activités informatiques",
    "63": "Services d'information",
    "64": "Activités des services financiers, hors assurance et caisses de retraite",
    "65": "Assurance",
    "66": "Activités auxiliaires de services financiers et d'assurance",
    "68": "Activités immobilières",
    "69": "Activités juridiques et comptables",
    "70": "Activités des sièges sociaux ; conseil de gestion",
    "71": "Activités d'architecture et d'ingénierie ; contrôle et analyses techniques",
    "72": "Recherche-développement scientifique",
    "73": "Publicité et études de marché",
    "74": "Autres activités spécialisées, scientifiques et techniques",
    "75": "Activités vétérinaires",
    "77": "Activités de location et location-bail",
    "78": "Activités liées à l'emploi",
    "79": "Activités des agences de voyage, voyagistes, services de réservation",
    "80": "Enquêtes et sécurité",
    "81": "Services relatifs aux bâtiments et aménagement paysager",
    "82": "Activités administratives et autres activités de soutien aux entreprises",
    "84": "Administration publique et défense ; sécurité sociale obligatoire",
    "85": "Enseignement",
    "86": "Activités pour la santé humaine",
    "87": "Hébergement médico-social et social",
    "88": "Action sociale sans hébergement",
    "90": "Activités créatives, artistiques et de spectacle",
    "91": "Bibliothèques, archives, musées et autres activités culturelles",
    "92": "Organisation de jeux de hasard et d'argent",
    "93": "Activités sportives, récréatives et de loisirs",
    "94": "Activités des organisations associatives",
    "95": "Réparation d'ordinateurs et de biens personnels et domestiques",
    "96": "Autres services personnels",
    "97": "Activités des ménages en tant qu'employeurs de personnel domestique",
    "98": "Activités indifférenciées des ménages pour usage propre",
    "99": "Activités des organisations et organismes extraterritoriaux",
}

# Sub-classes (« sous-classes », the 5-character code SIRENE carries) frequent in the SSE.
NAF_SUBCLASSES: dict[str, str] = {
    "01.61Z": "Activités de soutien aux cultures",
    "10.51A": "Fabrication de lait liquide et de produits frais",
    "38.32Z": "Récupération de déchets triés",
    "41.20A": "Construction de maisons individuelles",
    "43.21A": "Travaux d'installation électrique dans tous locaux",
    "46.21Z": "Commerce de gros de céréales, de semences et d'aliments pour le bétail",
    "47.11D": "Supermarchés",
    "47.78A": "Commerces de détail d'optique",
    "49.39B": "Autres transports routiers de voyageurs",
    "55.20Z": "Hébergement touristique et autre hébergement de courte durée",
    "56.10A": "Restauration traditionnelle",
    "62.01Z": "Programmation informatique",
    "64.19Z": "Autres intermédiations monétaires",
    "65.11Z": "Assurance vie",
    "65.12Z": "Autres assurances",
    "66.22Z": "Activités des agents et courtiers d'assurances",
    "68.20A": "Location de logements",
    "70.22Z": "Conseil pour les affaires et autres conseils de gestion",
    "71.12B": "Ingénierie, études techniques",
    "72.19Z": "Recherche-développement en autres sciences physiques et naturelles",
    "78.20Z": "Activités des agences de travail temporaire",
    "81.21Z": "Nettoyage courant des bâtiments",
    "85.20Z": "Enseignement primaire",
    "85.31Z": "Enseignement secondaire général",
    "85.59A": "Formation continue d'adultes",
    "85.59B": "Autres enseignements",
    "86.10Z": "Activités hospitalières",
    "86.21Z": "Activité des médecins généralistes",
    "86.23Z": "Pratique dentaire",
    "87.10A": "Hébergement médicalisé pour personnes âgées",
    "87.20A": "Hébergement social pour handicapés mentaux et malades mentaux",
    "87.30A": "Hébergement social pour personnes âgées",
    "87.90B": "Hébergement social pour adultes et familles en difficultés et autre",
    "88.10A": "Aide à domicile",
    "88.10B": "Accueil ou accompagnement sans hébergement d'adultes handicapés ou âgés",
    "88.10C": "Aide par le travail",
    "88.91A": "Accueil de jeunes enfants",
    "88.99A": "Autre accueil ou accompagnement sans hébergement d'enfants et d'adolescents",
    "88.99B": "Action sociale sans hébergement n.c.a.",
    "90.01Z": "Arts du spectacle vivant",
    "90.04Z": "Gestion de salles de spectacles",
    "91.02Z": "Gestion des musées",
    "93.12Z": "Activités de clubs de sports",
    "93.29Z": "Autres activités récréatives et de loisirs",
    "94.12Z": "Activités des organisations professionnelles",
    "94.20Z": "Activités des syndicats de salariés",
    "94.91Z": "Activités des organisations religieuses",
    "94.99Z": "Autres organisations fonctionnant par adhésion volontaire",
}


def naf_section(code: str | None) -> str | None:
    """Section letter (A–U) of a NAF code such as '88.99B' or '8899B'; None if unreadable."""
    c = (code or "").strip()
    if len(c) < 2 or not c[:2].isdigit():
        return None
    division = int(c[:2])
    for letter, _, _, lo, hi in NAF_SECTIONS:
        if lo <= division <= hi:
            return letter
    return None


# ------------------------------------------------------------------ nomenclatures of SIRENE
# `nomenclatureActivitePrincipale…` says which nomenclature the activity code belongs to:
# NAFRev2 (2008), NAFRev1 (2003), NAF1993, NAP (before 1993) — an establishment closed long ago
# keeps the code of its time. Since December 2025 the stock files also carry
# `activitePrincipaleNAF25…`, the activity in NAF 2025 (INSEE, « Vers une nouvelle nomenclature :
# la NAF 2025 », insee.fr/fr/information/8181066), the French version of NACE rév. 2.1, in force
# for SIRENE on 1 January 2027. Sub-class codes look alike (« 46.87Y » in NAF 2025, « 46.77Z » in
# rév. 2) but are a different list, and NACE 2.1 re-letters the sections (A–V): a NAF 2025 code
# is never given a NAF rév. 2 label.
NAF_REV2 = "NAFRev2"
NAF_2025 = "NAF2025"
NAF_2025_NAMES = frozenset({"NAF2025", "NAF25", "NAFRev3"})
_SUBCLASS_RE = re.compile(r"^\d{2}\.\d{2}[A-Z]$")


def _clean_code(code) -> str | None:
    text = (code or "").strip() if isinstance(code, str) else None
    return text or None


def activity(
    code: str | None,
    nomenclature: str | None,
    naf25: str | None,
    unit_code: str | None = None,
    unit_nomenclature: str | None = None,
    unit_naf25: str | None = None,
) -> tuple[str | None, str | None]:
    """(activity code, nomenclature) used for an establishment, in this order: its NAF rév. 2
    code; its NAF 2025 code (when rév. 2 is absent or in an older nomenclature); the same two
    for its legal unit; else its code as published, in its own nomenclature (a NAF rév. 1, NAF
    1993 or NAP code: kept, but without a sector or a label). A code without nomenclature
    that has the sub-class form « 88.99B » is read as NAF rév. 2."""
    code, naf25 = _clean_code(code), _clean_code(naf25)
    unit_code, unit_naf25 = _clean_code(unit_code), _clean_code(unit_naf25)
    for c, nomen, c25 in ((code, nomenclature, naf25), (unit_code, unit_nomenclature, unit_naf25)):
        nomen = (nomen or "").strip() or None
        if c and nomen in NAF_2025_NAMES:
            return c, NAF_2025
        if c and (nomen or NAF_REV2) == NAF_REV2 and _SUBCLASS_RE.match(c):
            return c, NAF_REV2
        if c25 and _SUBCLASS_RE.match(c25):
            return c25, NAF_2025
    return code, ((nomenclature or "").strip() or None) if code else None


def activity_section(code: str | None, nomenclature: str | None) -> str | None:
    """NAF rév. 2 section of the activity used (the sectors of the dashboard are rév. 2
    sections). NAF 2025 codes are mapped by their division: NACE rév. 2.1 keeps the division
    numbers of rév. 2 (01–99, 45 merged into 46–47) and only re-letters the sections, so the
    division gives the rév. 2 section for all but a few activities that moved between
    divisions. Codes of older nomenclatures (NAF rév. 1, NAF 1993, NAP) number their divisions
    differently: no section."""
    if nomenclature in (NAF_REV2, NAF_2025):
        return naf_section(code)
    return None


# ------------------------------------------------------------------ employee size bands
# code, French label, min, max, estimate, size_class. Estimate = midpoint of the band (used to
# add up « emplois estimés »; published SSE jobs ≈ 2.6 M); 53 (10 000 +) counts 10 000; NN and 00
# count 0. An establishment is an employer when its band is 01 or above (at least one employee
# on 31 December); 00 (employees during the year, none on 31 December) is not.
SIZE_BANDS: tuple[tuple[str, str, int | None, int | None, float, str], ...] = (
    ("NN", "Unité non employeuse", None, None, 0.0, "NN"),
    ("00", "0 salarié au 31/12 (mais employeur dans l'année)", 0, 0, 0.0, "0"),
    ("01", "1 ou 2 salariés", 1, 2, 1.5, "1-9"),
    ("02", "3 à 5 salariés", 3, 5, 4.0, "1-9"),
    ("03", "6 à 9 salariés", 6, 9, 7.5, "1-9"),
    ("11", "10 à 19 salariés", 10, 19, 14.5, "10-49"),
    ("12", "20 à 49 salariés", 20, 49, 34.5, "10-49"),
    ("21", "50 à 99 salariés", 50, 99, 74.5, "50-249"),
    ("22", "100 à 199 salariés", 100, 199, 149.5, "50-249"),
    ("31", "200 à 249 salariés", 200, 249, 224.5, "50-249"),
    ("32", "250 à 499 salariés", 250, 499, 374.5, "250+"),
    ("41", "500 à 999 salariés", 500, 999, 749.5, "250+"),
    ("42", "1 000 à 1 999 salariés", 1000, 1999, 1499.5, "250+"),
    ("51", "2 000 à 4 999 salariés", 2000, 4999, 3499.5, "250+"),
    ("52", "5 000 à 9 999 salariés", 5000, 9999, 7499.5, "250+"),
    ("53", "10 000 salariés et plus", 10000, None, 10000.0, "250+"),
)
SIZE_CLASSES = ("0", "1-9", "10-49", "50-249", "250+", "NN")
_BAND = {b[0]: b for b in SIZE_BANDS}


def size_band(code: str | None) -> str:
    """Normalised band code: unknown, missing or blank -> 'NN'."""
    c = (code or "").strip()
    return c if c in _BAND else "NN"


def size_class(code: str | None) -> str:
    return _BAND[size_band(code)][5]


def employees_estimate(code: str | None) -> float:
    return _BAND[size_band(code)][4]


def is_employer(code: str | None) -> bool:
    band = _BAND[size_band(code)]
    return band[2] is not None and band[2] >= 1


# ------------------------------------------------------------------ reference tables
def ref_frames(naf_labels: dict[str, str] | None = None) -> dict[str, pd.DataFrame]:
    """The ref_* tables of the warehouse contract, as DataFrames. `naf_labels` (sub-class code
    -> label, from INSEE's full NAF list, see sse_dash.sirene.naf) completes and overrides the
    built-in sub-classes of `ref_naf`."""
    families = pd.DataFrame(FAMILIES, columns=["code", "label_fr", "label_en", "sort"])
    legal = pd.DataFrame(
        [(c, label, family_of(c)) for c, label in sorted(LEGAL_CATEGORY_LABELS.items())],
        columns=["code", "label_fr", "family"],
    )
    sections = pd.DataFrame(
        [(s[0], s[1], s[2]) for s in NAF_SECTIONS], columns=["code", "label_fr", "label_en"]
    )
    naf_rows = [(d, label, naf_section(d)) for d, label in NAF_DIVISIONS.items()]
    subclasses = {**NAF_SUBCLASSES, **(naf_labels or {})}
    naf_rows += [(c, subclasses[c], naf_section(c)) for c in sorted(subclasses)]
    naf = pd.DataFrame(naf_rows, columns=["code", "label_fr", "section"])
    bands = pd.DataFrame(
        [(b[0], b[1], b[2], b[3], b[4], b[5]) for b in SIZE_BANDS],
        columns=["code", "label_fr", "min_employees", "max_employees", "estimate", "size_class"],
    )
    bands["min_employees"] = bands["min_employees"].astype("Int64")
    bands["max_employees"] = bands["max_employees"].astype("Int64")
    return {
        "ref_families": families,
        "ref_legal_categories": legal,
        "ref_naf_sections": sections,
        "ref_naf": naf,
        "ref_size_bands": bands,
    }
