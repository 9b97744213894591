"""Name, street and postcode pools for the synthetic generator, by community.

Lists are ordered roughly by popularity: the generator draws with Zipf-like weights so that common names
(Muhammad, Olivia, Smith, Khan) are common in the output too, as they are in real agency data.
Spellings with diacritics are kept as people write them; agencies often drop them.
"""

from __future__ import annotations


def _names(text: str) -> list[str]:
    return text.split()


# community: (share of households, boys, girls, family names)
COMMUNITIES: dict[str, tuple[float, list[str], list[str], list[str]]] = {
    "british": (
        0.58,
        _names(
            "Oliver George Harry Noah Jack Leo Arthur Oscar Charlie Jacob Freddie Alfie Theo William "
            "Thomas James Henry Joshua Archie Lucas Daniel Samuel Joseph Max Ethan Isaac Edward Alexander "
            "Benjamin Dylan Logan Reuben Ryan Tyler Harrison Jake Luke Matthew Callum Liam Kian Riley "
            "Mason Jayden Kai Connor Lewis Christopher Michael Robert Anthony Nathan"
        ),
        _names(
            "Olivia Amelia Isla Ava Mia Ivy Lily Isabella Rosie Sophia Grace Freya Willow Florence Emily "
            "Ella Poppy Evie Elsie Charlotte Evelyn Sienna Sofia Daisy Phoebe Ruby Chloe Jessica Millie "
            "Emma Megan Lauren Holly Hannah Katie Sarah Leah Amber Abigail Lucy Elizabeth Margaret "
            "Victoria Rebecca Jennifer Katherine Alice Matilda Harriet Eleanor"
        ),
        _names(
            "Smith Jones Williams Taylor Brown Davies Evans Wilson Thomas Johnson Roberts Robinson "
            "Thompson Wright Walker White Edwards Hughes Green Hall Lewis Harris Clarke Patel Jackson "
            "Wood Turner Martin Cooper Hill Ward Morris Moore Clark Lee King Baker Harrison Morgan Allen "
            "James Scott Phillips Watson Davis Parker Price Bennett Young Griffiths Mitchell Kelly Cook "
            "Carter Richardson Bailey Collins Bell Shaw Murphy Miller Cox Richards Khan Marshall Anderson "
            "Simpson Ellis Adams Wilkinson Foster Chapman Mason Gray Holmes Webb Hunt Palmer Rogers "
            "Stevens Lloyd Fletcher Barker Dixon Pearson Reynolds Jenkins Cole Saunders Hudson Newman "
            "Matthews Burton Fox Grant Chambers Lawrence Harvey Armstrong Spencer Gibson Ryan Burns Hart "
            "Holland"
        ),
    ),
    "south_asian": (
        0.13,
        _names(
            "Muhammad Mohammed Ibrahim Yusuf Adam Ayaan Zayn Musa Ali Hamza Rayyan Aarav Arjun Rohan "
            "Harjot Gurpreet Sandeep Imran Bilal Zain Ahmed Umar Abdullah Hassan Hussain Arham Ishaan "
            "Krish Dev Tariq Shahid Rashid Farooq Kuldeep Amandeep Rajesh Deepak Sanjay Vikram"
        ),
        _names(
            "Aisha Fatima Maryam Zainab Hafsa Inaaya Amira Anaya Sara Khadija Noor Ayesha Zara Mariam "
            "Eshal Priya Simran Harpreet Jasleen Navneet Aaradhya Diya Anika Pooja Lakshmi Nadia Shabnam "
            "Rukhsana Sana Hina Mehwish Parveen Yasmin Amina Samina"
        ),
        _names(
            "Khan Ahmed Hussain Ali Patel Singh Kaur Begum Shah Akhtar Iqbal Mahmood Rahman Chowdhury "
            "Islam Sharma Kumar Gill Sandhu Bibi Mohammed Hussein Miah Uddin Malik Butt Aslam Raja Anwar "
            "Bashir Parveen Rashid Saleem Javed Mistry Mehta Desai Joshi Kapoor Chauhan Bains Dhillon "
            "Sidhu Choudhury"
        ),
    ),
    "west_african": (
        0.07,
        _names(
            "Oluwaseun Chukwuemeka Oluwatobi Oluwafemi Babatunde Olusegun Adebayo Kwame Kofi Kwabena Yaw "
            "Emmanuel Daniel David Samuel Joshua Nnamdi Chidi Tobenna Ayomide Toluwani Ifeanyi Obinna "
            "Tunde Kelechi Olamide Femi Segun Seun"
        ),
        _names(
            "Temitope Oluwadamilola Adaeze Chiamaka Ngozi Folasade Ayomide Abimbola Oluwakemi Ama Abena "
            "Akosua Efua Esther Grace Blessing Precious Favour Chioma Nneka Amarachi Ifeoma Titilayo "
            "Yetunde Funmilayo Damilola Tope"
        ),
        _names(
            "Okafor Adeyemi Olawale Mensah Boateng Owusu Osei Adebayo Eze Nwosu Okonkwo Bello Ibrahim "
            "Oyelaran Afolabi Adewale Ogunleye Asante Appiah Agyeman Okeke Nwachukwu Obi Adeleke Ogundipe "
            "Oladipo Akinola Oyewole Danso Darko"
        ),
    ),
    "eastern_european": (
        0.08,
        _names(
            "Jakub Wojciech Krzysztof Piotr Paweł Tomasz Michał Kacper Szymon Filip Aleksandr Oleksandr "
            "Dmitri Andrei Sergei Mykola Yuri Ivan Matei Ștefan Luca Lukas Mantas Jonas Vladimir Nikolai"
        ),
        _names(
            "Zuzanna Małgorzata Julia Zofia Maja Hanna Lena Agnieszka Magdalena Katarzyna Natalia "
            "Anastasia Tatiana Olga Yekaterina Ioana Maria Elena Andreea Gabija Emilija Ieva Sofiya Daria "
            "Viktoria"
        ),
        _names(
            "Kowalski Nowak Wiśniewski Wójcik Kowalczyk Kamiński Lewandowski Zieliński Szymański Woźniak "
            "Dąbrowski Kozłowski Jankowski Mazur Krawczyk Popescu Ionescu Popa Stan Dumitru Kazlauskas "
            "Jankauskas Petrauskas Petrov Ivanov Smirnov Shevchenko Kovalenko Bondarenko Tkachenko "
            "Horvath Novak Dvořák Balogh"
        ),
    ),
    "arabic": (
        0.05,
        _names(
            "Mohammed Omar Youssef Hamza Zaid Ahmad Khalid Mustafa Ibrahim Ismail Karim Tariq Yasin Bilal "
            "Hassan Abdulrahman Faisal Nasser Sami Rami"
        ),
        _names(
            "Layla Mariam Fatima Aisha Nour Yasmin Huda Salma Rania Lina Dana Reem Jana Hala Sara Zaynab "
            "Amal Malak Rahaf Farah"
        ),
        _names(
            "Al-Sayed Haddad Nasser Khalil Mansour Hamdan Abdullah Saleh Farouk El-Amin Abboud Hashemi "
            "Al-Masri Qureshi Othman Darwish Barakat Ghanem Jaber Sabbagh Yousef Aziz Hamid"
        ),
    ),
    "irish": (
        0.04,
        _names("Seán Ciarán Pádraig Eoin Cian Oisín Darragh Conor Cillian Tadhg Fionn Liam Ronan Niall"),
        _names("Siobhán Niamh Aoife Saoirse Caoimhe Ciara Róisín Orla Sinéad Clodagh Aisling Eimear Gráinne"),
        _names(
            "Murphy O'Brien O'Connor Kelly Byrne McCarthy O'Sullivan Walsh Doyle Gallagher O'Neill Quinn "
            "McLaughlin Ó Súilleabháin Brennan Doherty Kennedy Lynch Donnelly Fitzgerald"
        ),
    ),
    "east_asian": (
        0.05,
        _names("Wei Hao Jun Ming Jian Yi Chen Hiroshi Minh Tuan Duc Jia"),
        _names("Jing Yan Mei Xin Ying Hui Lan Anh Linh Thu Yuki Hana"),
        _names("Wang Li Zhang Chen Liu Yang Huang Zhao Wu Zhou Nguyen Tran Le Pham Lin Ho Ng Wong Lam Tan"),
    ),
}

# The lists above hold each community's most common family names. In England and Wales the hundred
# commonest cover only about a fifth of people (Smith, the commonest, about one in a hundred), so a
# generator drawing every British family from a hundred names makes namesakes - two different children
# with the same name and birthday - about a hundred times too common, and a benchmark mostly about them.
# British families therefore take a listed name with this probability and otherwise a name from a long
# tail, built from the parts English surnames are made of (Ashworth, Bradley, Hartfield).
FAMILY_HEAD_SHARE = {"british": 0.2}
_FIRST_PARTS = _names(
    "Ash Brad Brom Chad Hart Kirk Wood Fair Stan Wal Mil Bur Nor Wes Thorn Black White Green Brook Holl "
    "Marl Pen Ross Ather Bever Ed Hal Hay Lang Rad Sel Whit Ack Bark Crom Dun Elling Fen Gold Harl"
)
_LAST_PARTS = _names(
    "ley ton ford worth well wood field by ham stead den combe shaw more gate brook bridge hurst ridge "
    "wick cott land dale ington er"
)
FAMILY_TAIL = {"british": [first + last for first in _FIRST_PARTS for last in _LAST_PARTS]}

STREETS = _names(
    "High Church Station Victoria Green Manor Park Queens Kings Grange North South Mill Springfield "
    "Windsor Albert York Chester Oak Elm Cedar Meadow Orchard Brook Hill Cromwell Coronation Clarence "
    "Alexandra Stanley Osborne Beech Willow Ash Poplar Heath Moor Castle Bridge Market Westfield "
    "Eastfield Priory Abbey Rectory Vicarage Farm Wellington Nelson Tudor Stuart"
)
STREET_TYPES = (
    ("Road", "Rd"),
    ("Street", "St"),
    ("Avenue", "Ave"),
    ("Close", "Cl"),
    ("Lane", "Ln"),
    ("Drive", "Dr"),
    ("Crescent", "Cres"),
    ("Way", "Way"),
    ("Gardens", "Gdns"),
    ("Place", "Pl"),
)

# Postcode areas of English cities with large, diverse child populations.
POSTCODE_AREAS = [
    "B",
    "M",
    "L",
    "LS",
    "BD",
    "S",
    "NG",
    "LE",
    "CV",
    "BS",
    "E",
    "N",
    "NW",
    "SE",
    "SW",
    "W",
    "EC",
    "WC",
    "CR",
    "IG",
    "RM",
    "HA",
    "UB",
    "TW",
    "KT",
    "BR",
    "DA",
    "EN",
    "SL",
    "LU",
    "MK",
    "PE",
    "OL",
    "BL",
    "WN",
    "PR",
    "BB",
    "HD",
    "WF",
    "HU",
    "DN",
    "DE",
    "ST",
    "WV",
    "WS",
    "DY",
    "TS",
    "NE",
    "SR",
    "DH",
    "SO",
    "PO",
    "BN",
    "OX",
    "RG",
]
INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"

AGENCIES = ("social_care", "police", "health", "school", "early_help", "youth_justice", "housing")
# How often each agency records the NHS number at all.
NHS_RECORDED = {
    "social_care": 0.7,
    "police": 0.2,
    "health": 0.97,
    "school": 0.4,
    "early_help": 0.5,
    "youth_justice": 0.3,
    "housing": 0.1,
}
AGENCY_WEIGHTS = (0.22, 0.14, 0.24, 0.24, 0.07, 0.04, 0.05)
MALFORMED_DATES = ("unknown", "N/K", "00/00/0000", "not known", "TBC", "0000-00-00", "?")
TITLES_BY_SEX = {"m": ("Master", "Mstr"), "f": ("Miss", "Ms")}
