#!/usr/bin/env python3
"""Seeded, deterministic generator of realistic Canvas Live Events (and Caliper) exports.

    python3 Benchmarks/generate.py --size 1G --seed 42 -o /tmp/canvas-1g.ndjson
    python3 Benchmarks/generate.py --records 300 --seed 7 -o Samples/canvas-sample.ndjson
    python3 Benchmarks/generate.py --caliper --records 60 --seed 7 -o Samples/caliper-sample.ndjson

Every Canvas line is {"metadata":{...envelope...},"body":{...event fields...}}; with
--caliper every line is a Caliper 1.1 envelope {"sensor","sendTime","dataVersion","data":[1-3 events]}.

Same arguments (seed, size/records, mode) -> byte-identical output, on any machine and any
CPython >= 3.8 (only random.Random.random/getrandbits are used, both stable across versions).

The data is synthetic: shapes follow the documented Live Events payloads, but every name,
ID and URL is generated here.  What a benchmark or a test needs from it:
  * 40+ event types, Zipf-like mix, asset_accessed ~35 %
  * per-event-type body schemas; nested objects (2-3 levels), arrays of scalars and of
    objects, {} and [], nulls, fields present only sometimes
  * 17-digit IDs as JSON strings ("21070000000000123"), integers above 2**53 as JSON
    numbers (9007199254740993+k), floats whose text matters (4.0, 100.0, 17.31, 1.0e-05)
  * UTF-8 text (accents, CJK, emoji), escapes (\\" \\\\ \\n \\t \\u00e9 \\/ and surrogate pairs)
  * event_time with offsets Z, +00:00, -06:00, +05:30, +05:45, -0800 ... and 3- or
    6-digit fractions; body times also in Ruby's "2019-11-05 07:38:00 -0800" form
  * IANA time_zone names (and sometimes null)
  * long user agents and URLs; average line ~1.2 KB

Sizes: K/M/G/T are powers of 1000, Ki/Mi/Gi/Ti (or KiB...) powers of 1024.  With --size the
output is cut at the last whole line that fits, so the file is never larger than asked.
"""

import argparse
import datetime
import json
import os
import re
import sys
import time

import random as _random

# --------------------------------------------------------------------------------------
# helpers


def J(s):
    """JSON-encode a Python string/None/bool/number the way Canvas (Ruby) would, UTF-8 kept."""
    return json.dumps(s, ensure_ascii=False)


def J_ascii(s):
    """JSON-encode with \\uXXXX escapes for every non-ASCII char (surrogate pairs for emoji)."""
    return json.dumps(s, ensure_ascii=True)


def J_slash(s):
    """JSON-encode and escape '/' as '\\/' (what Rails' to_json does for '</' in HTML)."""
    return json.dumps(s, ensure_ascii=False).replace("/", "\\/")


def parse_size(text):
    m = re.fullmatch(r"\s*([0-9]+(?:\.[0-9]+)?)\s*([kmgt]?)(i?)b?\s*", text, re.I)
    if not m:
        raise argparse.ArgumentTypeError("bad size %r (use e.g. 20M, 1G, 512MiB)" % text)
    num, unit, binary = float(m.group(1)), m.group(2).lower(), m.group(3)
    base = 1024 if binary else 1000
    power = {"": 0, "k": 1, "m": 2, "g": 3, "t": 4}[unit]
    return int(num * base ** power)


HMS = ["%02d:%02d:%02d" % (s // 3600, s // 60 % 60, s % 60) for s in range(86400)]
F3 = ["%03d" % i for i in range(1000)]
_DATES = {}
EPOCH_ORD = datetime.date(1970, 1, 1).toordinal()


def date_str(day):
    s = _DATES.get(day)
    if s is None:
        s = datetime.date.fromordinal(EPOCH_ORD + day).isoformat()
        _DATES[day] = s
    return s


def fmt_offset_suffix(minutes, style):
    """style: 'colon' -> +05:30, 'compact' -> +0530, 'Z' -> Z."""
    if style == "Z":
        return "Z"
    sign = "-" if minutes < 0 else "+"
    h, m = divmod(abs(minutes), 60)
    if style == "colon":
        return "%s%02d:%02d" % (sign, h, m)
    return "%s%02d%02d" % (sign, h, m)


# (offset minutes, suffix text, weight) for metadata.event_time
META_OFFSETS = [
    (0, "Z", 64),
    (0, "+00:00", 5),
    (-360, "-06:00", 5),
    (-300, "-05:00", 4),
    (-420, "-07:00", 3),
    (330, "+05:30", 3),
    (345, "+05:45", 2),
    (-480, "-0800", 2),
    (-240, "-04:00", 2),
    (60, "+01:00", 2),
    (540, "+09:00", 2),
    (630, "+10:30", 1),
    (-210, "-03:30", 1),
    (120, "+0200", 1),
    (780, "+13:00", 1),
    (-600, "-10:00", 1),
    (0, "-00:00", 1),
]

# IANA zone -> usual standard offset in minutes (only used to make body times plausible)
TIME_ZONES = [
    ("America/New_York", -300, 18), ("America/Chicago", -360, 16), ("America/Denver", -420, 10),
    ("America/Los_Angeles", -480, 12), ("America/Phoenix", -420, 3), ("America/Anchorage", -540, 1),
    ("Pacific/Honolulu", -600, 1), ("America/Bogota", -300, 2), ("America/Monterrey", -360, 2),
    ("America/Sao_Paulo", -180, 3), ("America/St_Johns", -210, 1), ("Europe/London", 0, 5),
    ("Europe/Berlin", 60, 3), ("Europe/Madrid", 60, 2), ("Africa/Johannesburg", 120, 1),
    ("Asia/Kolkata", 330, 3), ("Asia/Kathmandu", 345, 1), ("Asia/Tokyo", 540, 2),
    ("Asia/Shanghai", 480, 2), ("Australia/Adelaide", 570, 1), ("Australia/Sydney", 600, 2),
    ("Pacific/Auckland", 720, 1), ("Pacific/Chatham", 765, 1), ("Etc/UTC", 0, 2),
]

FIRST_NAMES = [
    "Isaac", "Ada", "Grace", "Alan", "Emmy", "Sofía", "José", "Zoë", "Chloé", "Søren", "Łukasz",
    "François", "Björn", "Renée", "Ngọc Anh", "Nguyễn", "Thảo", "Siobhán", "Dvořák", "İlkay",
    "Mateus", "Aleksandr", "Olumide", "Chidi", "Aarav", "Priyanka", "Saanvi", "Mohammed",
    "Fatima", "Yusuf", "Ayşe", "Kwame", "Amara", "Liam", "Olivia", "Noah", "Emma", "Ethan",
    "Mia", "Lucas", "Harper", "Jackson", "Ava", "Aiden", "Isabella", "Carter", "Lily", "María José",
    "Jürgen", "Ólafur", "Ève", "Þóra", "Dagný", "Małgorzata", "Ştefan", "Håkon",
    "伟", "娜", "秀英", "花子", "翔太", "민준", "서연", "Анна", "Дмитрий", "Σοφία", "محمد", "שירה",
]
LAST_NAMES = [
    "Newton", "Lovelace", "Hopper", "Turing", "Noether", "García", "Muñoz", "Peña", "Côté",
    "Gagné", "Müller", "Schröder", "Jørgensen", "Kowalski", "Nowak", "Ó Súilleabháin",
    "O'Brien", "D'Angelo", "Van der Berg", "de la Cruz", "Nguyễn", "Trần", "Lê", "Okonkwo",
    "Adeyemi", "Patel", "Sharma", "Iyer", "Khan", "Yılmaz", "Öztürk", "Smith", "Johnson",
    "Williams", "Brown", "Jones", "Miller", "Davis", "Rodríguez", "Martínez", "Hernández",
    "López", "Gonzalez", "Wilson", "Anderson", "Thomas", "Taylor", "Moore", "Jackson",
    "Ångström", "Þórsdóttir", "Dvořáková", "王", "李", "张", "佐藤", "鈴木", "김", "이",
    "Иванов", "Παπαδόπουλος", "Smith-Jones", "St. John",
]
NICK_DECOR = ["", "", "", "", "", "", " 🎓", " 📚", " ✨", " 🦄", " (she/her)", " (he/him)",
              " (they/them)", " \"Doc\"", " 🇧🇷", " 👩‍🔬"]

SUBJECTS = [
    ("MATH", ["College Algebra", "Calculus I", "Calculus II", "Linear Algebra",
              "Differential Equations", "Introduction to Probability", "Discrete Mathematics"]),
    ("CS", ["Computer Science I", "Data Structures", "Algorithms", "Operating Systems",
            "Compilers", "Databases", "Machine Learning"]),
    ("BIO", ["Cell & Molecular Biology", "Genetics", "Ecology", "Microbiology",
             "Human Anatomy & Physiology"]),
    ("CHEM", ["General Chemistry I", "Organic Chemistry", "Biochemistry"]),
    ("ENGL", ["Composition I", "Shakespeare", "Creative Writing: \"Flash Fiction\"",
              "American Literature", "Technical Writing"]),
    ("HIST", ["World History to 1500", "U.S. History since 1877", "History of Science"]),
    ("SPAN", ["Español intermedio", "Conversación y composición", "Literatura latinoamericana"]),
    ("FREN", ["Français élémentaire", "Littérature française du XIXᵉ siècle"]),
    ("JPN", ["日本語 I (Japanese I)", "日本語 II", "Japanese Culture & Society"]),
    ("CHIN", ["中文入门 Elementary Chinese", "Business Chinese 商务汉语"]),
    ("MUS", ["Music Theory I", "Jazz Ensemble 🎷", "Music Appreciation"]),
    ("ECON", ["Principles of Microeconomics", "Econometrics", "Game Theory"]),
    ("PSYC", ["Intro to Psychology", "Cognitive Psychology", "Research Methods"]),
    ("PHYS", ["Physics I: Mechanics", "Electricity & Magnetism", "Quantum Mechanics"]),
    ("ART", ["Drawing I", "Digital Photography 📷", "Art History: Renaissance–Baroque"]),
]
TERMS = [("2024FA", "Fall 2024"), ("2025SP", "Spring 2025"), ("2025SU", "Summer 2025"),
         ("2024FA", "Fall 2024")]

PAGE_TITLES = [
    "Syllabus", "Course Overview", "Week 1: Getting Started", "Week 2 – Readings",
    "Module 3 Overview", "Office Hours & Contact", "Lab Safety Rules", "Final Project Guidelines",
    "Résumé Workshop", "Café Discussion Norms", "Glossary of Terms", "Study Guide: Midterm",
    "How to submit \"late\" work", "FAQ – Frequently Asked Questions", "Grading Rubric (v2)",
    "Lecture Notes 07/10", "Reading List 📖", "第一課 Lesson 1", "Über dieses Modul",
    "Lección 4: El subjuntivo", "Week 9: Recursion \\ Induction", "Tips & Tricks",
]
FILE_NAMES = [
    ("syllabus.pdf", "application/pdf"), ("Lecture 01 - Introduction.pptx",
     "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
    ("lab_report_template.docx",
     "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ("enrollments (1).csv", "text/csv"), ("dataset_2024-09.csv", "text/csv"),
    ("résumé_final.pdf", "application/pdf"), ("IMG_4512.HEIC", "image/heic"),
    ("Screen Shot 2024-10-02 at 9.41.13 AM.png", "image/png"), ("notes.txt", "text/plain"),
    ("homework3.py", "text/x-python"), ("problem_set_5 (solutions).pdf", "application/pdf"),
    ("演習問題.pdf", "application/pdf"), ("audio-feedback.m4a", "audio/mp4"),
    ("recording_2024_10_15.mp4", "video/mp4"), ("essay \"draft 2\".docx",
     "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ("C:\\Users\\student\\Desktop\\final.zip", "application/zip"),
]
ASSIGNMENT_NAMES = [
    "Homework 1", "Homework 2", "Problem Set 3", "Lab 4: Titration", "Essay #1 – Personal Narrative",
    "Midterm Exam", "Final Project Proposal", "Reading Response: Chapter 5", "Quiz 2",
    "Discussion: Week 6", "Peer Review – Draft 2", "Presentation (Group)", "Lab Report \"Enzymes\"",
    "Tarea 3: Los verbos", "宿題 4", "Reflection ✍️", "Extra Credit 🌟",
]
DISCUSSION_TEXTS = [
    "<p>I think the author's point is that context matters.</p>",
    "<p>Great question! Here's what I found:</p>\n<ul>\n<li>First</li>\n<li>Second</li>\n</ul>",
    "<p>Could someone explain step 3? I got \"NaN\" as the answer.</p>",
    "<p>Mi opinión: la lectura fue muy interesante 😊</p>",
    "<p>Je suis d'accord avec Chloé — c'était très clair.</p>",
    "<p>我同意你的观点。这个问题很有意思。</p>",
    "<p>See my code:</p><pre>for (i = 0; i < n; i++) {\n\tsum += a[i];\n}</pre>",
    "<p>The path is C:\\Program Files\\R\\R-4.3.1\\bin — make sure it's on PATH.</p>",
    "<p>Thanks! 🙏🎉</p>",
    "<p>Link: <a href=\"https://en.wikipedia.org/wiki/Photosynthesis\">Photosynthesis</a></p>",
    "Short plain reply.",
    "<p>Line one\r\nLine two\r\n\tindented</p>",
    "<p>Résumé of the café meeting: naïve approach was fine.</p>",
    "<p>Σ x² / n − μ² — is that the same as the variance?</p>",
]
COMMENT_TEXTS = [
    "Nice work!", "See the attached files", "Please resubmit with citations.",
    "Great improvement since the last draft 👏", "Check question 3 again – units are missing.",
    "Muy bien hecho.", "Très bien, mais attention à l'orthographe.", "よくできました！",
    "Late penalty applied (10%).", "Rubric: \"Thesis\" 4/5, \"Evidence\" 3/5\nOverall solid.",
]
MESSAGES = [
    "Hi Professor, I'll be missing class on Friday because of a doctor's appointment.",
    "Reminder: the midterm is next Tuesday.\nBring a calculator.",
    "Can we meet during office hours? 🙂",
    "Hola, ¿podría revisar mi tarea? Gracias.",
    "The link in Module 3 is broken: https://example.edu/files/abc",
    "Group meeting moved to 4pm \"as discussed\".",
]
NOTIF_SUBJECTS = [
    "Campus closed Monday", "Canvas maintenance window", "Registration opens 🎉",
    "Fermeture exceptionnelle", "Semester grades due",
]
OUTCOME_TITLES = [
    "Molecular biology knowledge", "Critical thinking", "Quantitative reasoning",
    "Written communication", "Scientific method", "Comprensión lectora", "情報リテラシー",
]
JOB_TAGS = {
    "content": ["ContentMigration#import_content", "Canvas::Migration::Worker::CourseCopyWorker#perform",
                "CC::Importer::CCWorker#perform", "MasterCourses::MasterMigration#perform_imports"],
    "sis": ["SIS::CSV::ImportRefactored#run_parallel_importer", "SisBatch#process_without_send_later",
            "SIS::CSV::ImportRefactored#run_single_importer"],
    "grade": ["Quizzes::SubmissionGrader#update_outcomes", "Submission#grade_change_audit",
              "Course#recompute_student_scores_without_send_later", "Assignment#run_if_overrides_changed"],
    "misc": ["Account.api_create", "OutcomeImport#run", "Auditors::GradeChange#record",
             "User#update_account_associations"],
}
ROLES = ["StudentEnrollment"] * 14 + ["TeacherEnrollment"] * 2 + [
    "TaEnrollment", "ObserverEnrollment", "DesignerEnrollment", "StudentEnrollment"]
ASSET_SUBTYPES = ["assignments", "announcements", "calendar_feed", "collaborations", "conferences",
                  "files", "grades", "home", "modules", "outcomes", "pages", "quizzes", "roster",
                  "syllabus", "topics", "wiki", "discussion_topics", "external_tools"]
REFERRER_TAILS = [
    "", "/modules", "/grades", "/assignments", "/announcements",
    "/assignments/syllabus", "/discussion_topics", "/files?sort=updated_at&order=desc",
    "/pages/week-2-readings", "/gradebook/speed_grader?assignment_id=2974715&student_id=1740548",
]


def build_user_agents(rng):
    """A pool of long, realistic user agents (desktop, mobile, Canvas apps, in-app browsers)."""
    r = rng.random
    uas = []
    for _ in range(90):
        k = r()
        chrome = "%d.0.%d.%d" % (110 + int(r() * 22), 5000 + int(r() * 1500), int(r() * 200))
        if k < 0.30:
            osv = ["Windows NT 10.0; Win64; x64", "Windows NT 10.0; WOW64", "X11; CrOS x86_64 15633.69.0",
                   "Macintosh; Intel Mac OS X 10_15_7", "X11; Linux x86_64"][int(r() * 5)]
            ua = "Mozilla/5.0 (%s) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/%s Safari/537.36" % (osv, chrome)
            if r() < 0.3:
                ua += " Edg/%s" % chrome
        elif k < 0.45:
            v = 115 + int(r() * 18)
            osv = ["Windows NT 10.0; Win64; x64; rv:%d.0" % v, "Macintosh; Intel Mac OS X 10.15; rv:%d.0" % v,
                   "X11; Ubuntu; Linux x86_64; rv:%d.0" % v][int(r() * 3)]
            ua = "Mozilla/5.0 (%s) Gecko/20100101 Firefox/%d.0" % (osv, v)
        elif k < 0.58:
            sv = "%d.%d" % (16 + int(r() * 3), int(r() * 6))
            ua = ("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) "
                  "Version/%s Safari/605.1.15" % sv)
        elif k < 0.70:
            iv = "%d_%d_%d" % (16 + int(r() * 2), int(r() * 7), int(r() * 3))
            ua = ("Mozilla/5.0 (iPhone; CPU iPhone OS %s like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
                  "Version/%s Mobile/15E148 Safari/604.1" % (iv, iv.replace("_", ".")[:4]))
        elif k < 0.80:
            dev = ["SM-S918B", "Pixel 7", "SM-A536U", "moto g stylus 5G (2023)", "CPH2449", "22101316G"][int(r() * 6)]
            ua = ("Mozilla/5.0 (Linux; Android %d; %s) AppleWebKit/537.36 (KHTML, like Gecko) "
                  "Chrome/%s Mobile Safari/537.36" % (12 + int(r() * 3), dev, chrome))
        elif k < 0.88:
            ua = ("candroid/%d.%d.%d (%d) (Android %d; %s) okhttp/4.12.0" %
                  (7, int(r() * 9), int(r() * 3), 270 + int(r() * 30), 12 + int(r() * 3),
                   ["Pixel 8 Pro", "SM-G991U", "moto g power (2022)"][int(r() * 3)]))
        elif k < 0.95:
            ua = ("iCanvas/%d.%d.%d (com.instructure.icanvas; build:%d; iOS %d.%d.%d) Alamofire/5.%d.%d" %
                  (7, int(r() * 10), int(r() * 3), 6000 + int(r() * 400), 16 + int(r() * 2),
                   int(r() * 6), int(r() * 3), 6 + int(r() * 4), int(r() * 3)))
        else:
            ua = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
                  "Mobile/15E148 [FBAN/FBIOS;FBAV/%d.0.0.%d.%d;FBBV/%d;FBDV/iPhone15,2;FBMD/iPhone;FBSN/iOS;"
                  "FBSV/17.5.1;FBSS/3;FBID/phone;FBLC/es_LA;FBOP/5;FBRV/%d;IABMV/1]" %
                  (470 + int(r() * 20), int(r() * 60), int(r() * 200), 600000000 + int(r() * 9999999),
                   610000000 + int(r() * 9999999)))
        uas.append(ua)
    return uas


# --------------------------------------------------------------------------------------
# the world: institutions, users, courses (pools built once, deterministically)


class Inst:
    pass


class User:
    __slots__ = ("id", "local", "login", "sis", "name", "short", "tz", "tzoff", "frag", "frag_nosis",
                 "ua_j", "ip_j", "sessions", "name_j", "short_j", "email", "uuid")


class Course:
    __slots__ = ("id", "local", "name", "code", "sis", "account_id", "account_local", "uuid", "frag",
                 "name_j", "term", "groups", "sections", "students")


ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"


class World:
    def __init__(self, rng, n_users=6000, n_courses=700):
        self.rng = rng
        r = rng.random
        self.uas = build_user_agents(rng)
        tz_pool = []
        for name, off, w in TIME_ZONES:
            tz_pool += [(name, off)] * w
        insts = []
        specs = [("2107", "oxana", "Canvas County School District", 0.46),
                 ("1121", "canvas.northbridge.edu", "Northbridge University", 0.30),
                 ("3350", "learn.uni-sued.example", "Universität Süd", 0.12),
                 ("5004", "lms.kiwi-poly.ac.nz", "Kiwi Polytechnic", 0.08),
                 ("7712", "cursos.andes.example.co", "Universidad de los Andes Ejemplo", 0.04)]
        for shard, hostbase, aname, share in specs:
            inst = Inst()
            inst.shard = shard
            inst.share = share
            inst.host = hostbase if "." in hostbase else hostbase + ".instructure.com"
            inst.name = aname
            inst.uuid = self.alnum(40)
            inst.root_local = 1
            inst.root_id = self.gid(inst, 1)
            inst.lti_guid = "%040x.%s" % (rng.getrandbits(160), inst.host)
            inst.frag = '"root_account_uuid":%s,"root_account_id":%s,"root_account_lti_guid":%s' % (
                J(inst.uuid), J(inst.root_id), J(inst.lti_guid))
            inst.host_j = J(inst.host)
            inst.base = "https://" + inst.host
            inst.sub_accounts = [(n, self.gid(inst, n)) for n in [1] + sorted(set(2 + int(r() * 400) for _ in range(12)))]
            inst.dev_keys = [J("%s%010d" % (shard[:2] + "0000", 16 + int(r() * 90))) for _ in range(5)] + [
                J("170000000056")]
            insts.append(inst)
        self.insts = insts
        # 64-entry lookup table for institution by share
        table = []
        for inst in insts:
            table += [inst] * max(1, round(inst.share * 64))
        self.inst_table = (table + [insts[0]] * 64)[:64]

        for inst in insts:
            nu = max(200, int(n_users * inst.share))
            nc = max(40, int(n_courses * inst.share))
            inst.users = [self.make_user(inst, tz_pool) for _ in range(nu)]
            inst.courses = [self.make_course(inst) for _ in range(nc)]
            for c in inst.courses:
                c.students = [inst.users[int(r() * nu)] for _ in range(30)]
        self.job_id = 1020020528469291

    def alnum(self, n):
        r = self.rng.random
        return "".join(ALNUM[int(r() * 62)] for _ in range(n))

    @staticmethod
    def gid(inst, local):
        return "%s%013d" % (inst.shard, local)

    def make_user(self, inst, tz_pool):
        r = self.rng.random
        u = User()
        u.local = 1000 + int(r() * 8_000_000)
        u.id = self.gid(inst, u.local)
        first = FIRST_NAMES[int(r() * len(FIRST_NAMES))]
        last = LAST_NAMES[int(r() * len(LAST_NAMES))]
        u.name = "%s %s" % (first, last)
        u.short = first + NICK_DECOR[int(r() * len(NICK_DECOR))]
        ascii_first = re.sub(r"[^a-z]", "", first.lower()) or "user"
        ascii_last = re.sub(r"[^a-z]", "", last.lower()) or "x"
        k = r()
        if k < 0.55:
            u.login = "%s.%s%d@%s" % (ascii_first, ascii_last, int(r() * 100), inst.host.split(".", 1)[-1])
        elif k < 0.85:
            u.login = "%s%s%d" % (ascii_first[0], ascii_last, int(r() * 1000))
        else:
            u.login = "%07d" % int(r() * 9999999)
        u.email = "%s.%s@example.edu" % (ascii_first, ascii_last)
        k = r()
        if k < 0.70:
            u.sis = "%d-%s%02d" % (100 + int(r() * 900), "TSAB"[int(r() * 4)], int(r() * 100))
        elif k < 0.85:
            u.sis = "S%08d" % int(r() * 99999999)
        else:
            u.sis = None
        tz, off = tz_pool[int(r() * len(tz_pool))]
        if r() < 0.03:
            tz = None
        u.tz, u.tzoff = tz, off if tz else 0
        u.uuid = self.alnum(40)
        base = '"user_login":%s,"user_account_id":%s' % (J(u.login), J(u.id))
        sis = (',"user_sis_id":%s' % J(u.sis)) if u.sis is not None else (',"user_sis_id":null' if r() < 0.5 else "")
        u.frag = base + sis + ',"user_id":%s,"time_zone":%s' % (J(u.id), J(tz))
        uas = self.uas
        u.ua_j = [J(uas[int(r() * len(uas))]) for _ in range(2)]
        if r() < 0.85:
            ip = "%d.%d.%d.%d" % (11 + int(r() * 200), int(r() * 256), int(r() * 256), 1 + int(r() * 254))
        else:
            ip = "2600:%x:%x:%x::%x" % (int(r() * 65535), int(r() * 65535), int(r() * 65535), int(r() * 65535))
        u.ip_j = J(ip)
        u.sessions = ["%032x" % self.rng.getrandbits(128) for _ in range(3)]
        u.name_j = J(u.name)
        u.short_j = J(u.short) if r() < 0.7 else J_ascii(u.short)
        return u

    def make_course(self, inst):
        r = self.rng.random
        c = Course()
        c.local = 100 + int(r() * 3_000_000)
        c.id = self.gid(inst, c.local)
        subj, names = SUBJECTS[int(r() * len(SUBJECTS))]
        num = 100 + int(r() * 400)
        term_code, term_name = TERMS[int(r() * len(TERMS))]
        c.name = names[int(r() * len(names))]
        if r() < 0.3:
            c.name = "%s %d: %s (%s)" % (subj, num, c.name, term_name)
        c.code = "%s %d" % (subj, num)
        k = r()
        c.sis = ("%s.%s.%d.%03d" % (term_code, subj, num, 1 + int(r() * 20))) if k < 0.8 else (None if k < 0.9 else "")
        acct = inst.sub_accounts[int(r() * len(inst.sub_accounts))]
        c.account_local, c.account_id = acct
        c.uuid = self.alnum(40)
        c.name_j = J(c.name) if r() < 0.8 else J_ascii(c.name)
        sis = "" if c.sis is None and r() < 0.5 else ',"context_sis_source_id":%s' % J(c.sis)
        c.frag = '"context_type":"Course","context_id":%s%s,"context_account_id":%s' % (J(c.id), sis, J(c.account_id))
        c.term = 80 + int(r() * 12)
        c.groups = [(1000 + int(r() * 90000), "%s Group %d" % (c.code, i + 1)) for i in range(4)]
        c.sections = [200 + int(r() * 90000) for _ in range(3)]
        return c


# --------------------------------------------------------------------------------------
# Canvas Live Events


class CanvasGen:
    def __init__(self, seed, est_records):
        self.rng = rng = _random.Random(seed)
        self.r = rng.random
        self.bits = rng.getrandbits
        self.w = World(rng)
        # Pools of pre-encoded text: most plain UTF-8, some with \uXXXX escapes, some with \/.
        def enc_pool(texts):
            out = []
            for t in texts:
                out += [J(t), J(t), J(t), J_ascii(t), J_slash(t)]
            return out
        self.page_titles = enc_pool(PAGE_TITLES)
        self.discussion = enc_pool(DISCUSSION_TEXTS)
        self.comments = enc_pool(COMMENT_TEXTS)
        self.messages = enc_pool(MESSAGES)
        self.assign_names = enc_pool(ASSIGNMENT_NAMES)
        self.outcomes = [J(t) for t in OUTCOME_TITLES]
        self.files = [(J(n), J(ct), n) for n, ct in FILE_NAMES]
        self.slugs = {t: re.sub(r"[^a-z0-9]+", "-", t.lower()).strip("-") or "page" for t in PAGE_TITLES}
        self.slug_list = [s for s in self.slugs.values()]
        # Timeline: ~30 days for big files, a few days for small ones; events mostly in order.
        span_s = 30 * 86400 if est_records > 50000 else 4 * 86400
        self.t_ms = int(datetime.datetime(2024, 9, 2, 12, 0, tzinfo=datetime.timezone.utc).timestamp() * 1000)
        self.mean_gap_ms = max(1.0, span_s * 1000.0 / max(1, est_records))
        self.big_k = 0
        # event_time offsets: 128-entry lookup table
        tab = []
        for off, suf, wt in META_OFFSETS:
            tab += [(off, suf)] * wt
        self.meta_off = (tab * 2)[:128]
        # events: (name, weight, builder)
        ev = [
            ("asset_accessed", 350, self.ev_asset_accessed),
            ("logged_in", 75, self.ev_logged_in),
            ("submission_updated", 60, self.ev_submission_updated),
            ("submission_created", 50, self.ev_submission_created),
            ("grade_change", 46, self.ev_grade_change),
            ("discussion_entry_created", 36, self.ev_discussion_entry_created),
            ("enrollment_updated", 30, self.ev_enrollment_updated),
            ("wiki_page_updated", 25, self.ev_wiki_page_updated),
            ("quiz_submitted", 24, self.ev_quiz_submitted),
            ("attachment_created", 22, self.ev_attachment_created),
            ("module_item_updated", 20, self.ev_module_item_updated),
            ("logged_out", 19, self.ev_logged_out),
            ("assignment_updated", 18, self.ev_assignment_updated),
            ("enrollment_state_updated", 17, self.ev_enrollment_state_updated),
            ("course_grade_change", 16, self.ev_course_grade_change),
            ("conversation_message_created", 14, self.ev_conversation_message_created),
            ("submission_comment_created", 13, self.ev_submission_comment_created),
            ("learning_outcome_result_created", 12, self.ev_learning_outcome_result_created),
            ("enrollment_created", 11, self.ev_enrollment_created),
            ("discussion_topic_created", 10, self.ev_discussion_topic_created),
            ("assignment_created", 9, self.ev_assignment_created),
            ("attachment_updated", 8, self.ev_attachment_updated),
            ("wiki_page_created", 7, self.ev_wiki_page_created),
            ("user_account_association_created", 6, self.ev_user_account_association_created),
            ("rubric_assessed", 6, self.ev_rubric_assessed),
            ("group_membership_created", 5, self.ev_group_membership_created),
            ("course_updated", 5, self.ev_course_updated),
            ("course_completed", 5, self.ev_course_completed),
            ("conversation_created", 4, self.ev_conversation_created),
            ("content_migration_completed", 4, self.ev_content_migration_completed),
            ("user_created", 3, self.ev_user_created),
            ("course_section_updated", 3, self.ev_course_section_updated),
            ("quiz_created", 3, self.ev_quiz_created),
            ("module_updated", 3, self.ev_module_updated),
            ("assignment_override_created", 2, self.ev_assignment_override_created),
            ("group_created", 2, self.ev_group_created),
            ("sis_batch_updated", 2, self.ev_sis_batch_updated),
            ("learning_outcome_created", 2, self.ev_learning_outcome_created),
            ("outcome_proficiency_created", 1, self.ev_outcome_proficiency_created),
            ("course_created", 1, self.ev_course_created),
            ("lti_resource_link_created", 1, self.ev_lti_resource_link_created),
            ("account_notification_created", 1, self.ev_account_notification_created),
            ("master_migration_completed", 1, self.ev_master_migration_completed),
        ]
        # 1024-entry lookup table driven by 10 random bits
        total = sum(w for _, w, _ in ev)
        table = []
        acc = 0.0
        for name, wt, fn in ev:
            acc += wt * 1024.0 / total
            while len(table) < round(acc):
                table.append((name, J(name), fn))
        while len(table) < 1024:
            table.append(table[0])
        self.ev_table = table
        self.event_names = [e[0] for e in ev]

    # ---- small random helpers -------------------------------------------------------

    def pick(self, seq):
        return seq[int(self.r() * len(seq))]

    def uuid4(self):
        h = "%032x" % self.bits(128)
        return "%s-%s-4%s-%s%s-%s" % (h[:8], h[8:12], h[13:16], "89ab"[int(h[16], 16) & 3], h[17:20], h[20:32])

    def next_job(self):
        self.w.job_id += 1 + int(self.r() * 40)
        return self.w.job_id

    def ts(self, t_ms, kind=None):
        """Body timestamp (quoted) in one of Canvas' styles, around t_ms."""
        r = self.r
        k = r() if kind is None else kind
        if k < 0.50:  # 2019-11-05T13:38:00.218Z
            day, rem = divmod(t_ms, 86400000)
            s, ms = divmod(rem, 1000)
            return '"%sT%s.%sZ"' % (date_str(day), HMS[s], F3[ms])
        if k < 0.75:  # 2019-08-10T12:35:54Z
            day, rem = divmod(t_ms, 86400000)
            return '"%sT%sZ"' % (date_str(day), HMS[rem // 1000])
        if k < 0.88:  # 2020-03-30T11:18:51-06:00
            off = (-360, -300, -420, -480, 330, 60)[int(r() * 6)]
            day, rem = divmod(t_ms + off * 60000, 86400000)
            return '"%sT%s%s"' % (date_str(day), HMS[rem // 1000], fmt_offset_suffix(off, "colon"))
        if k < 0.95:  # Ruby Time#to_s: 2019-11-05 07:38:00 -0800
            off = (-480, -420, -360, -300, 0, 345)[int(r() * 6)]
            day, rem = divmod(t_ms + off * 60000, 86400000)
            return '"%s %s %s"' % (date_str(day), HMS[rem // 1000], fmt_offset_suffix(off, "compact"))
        # 2024-09-03T10:11:12.123456Z
        day, rem = divmod(t_ms, 86400000)
        s, ms = divmod(rem, 1000)
        return '"%sT%s.%s%03dZ"' % (date_str(day), HMS[s], F3[ms], int(r() * 1000))

    def past(self, t_ms, max_days=30):
        return t_ms - int(self.r() * max_days * 86400000)

    def future(self, t_ms, max_days=30):
        return t_ms + int(self.r() * max_days * 86400000)

    def lid(self, lo=1000, span=9_000_000):
        return lo + int(self.r() * span)

    def big_number(self):
        """An integer above 2**53 written as a JSON number (9007199254740993 + k)."""
        self.big_k += 1 + int(self.r() * 7)
        return 9007199254740992 + self.big_k

    # ---- record assembly ----------------------------------------------------------------

    def record(self):
        r = self.r
        w = self.w
        inst = w.inst_table[int(r() * 64)]
        users = inst.users
        user = users[int(r() * len(users))]
        courses = inst.courses
        course = courses[int(r() * len(courses))]
        # time: mostly ascending, occasionally a little out of order
        self.t_ms += int(r() * 2 * self.mean_gap_ms)
        t = self.t_ms
        if r() < 0.05:
            t -= int(r() * 90000)
        name, name_j, fn = self.ev_table[self.bits(10)]
        ctx = {"inst": inst, "user": user, "course": course, "t": t}
        body, req = fn(ctx)
        # event_time
        off, suf = self.meta_off[self.bits(7)]
        day, rem = divmod(t + off * 60000, 86400000)
        s, ms = divmod(rem, 1000)
        if r() < 0.8:
            et = '"%sT%s.%s%s"' % (date_str(day), HMS[s], F3[ms], suf)
        else:
            et = '"%sT%s.%s%03d%s"' % (date_str(day), HMS[s], F3[ms], int(r() * 1000), suf)
        if req is None:
            # background job envelope
            k = r()
            parts = [inst.frag]
            if k < 0.35:
                parts.append(user.frag)
            if k < 0.6 or ctx.get("ctx_course"):
                parts.append(course.frag)
            parts.append('"job_id":"%d","job_tag":%s,"hostname":%s,"producer":"canvas","event_name":%s,"event_time":%s' % (
                self.next_job(), J(ctx.get("job_tag") or self.pick(JOB_TAGS["misc"])), inst.host_j, name_j, et))
            return '{"metadata":{%s},"body":%s}\n' % (",".join(parts), body)
        method, path, ref, ctxfrag = req
        if ctxfrag is None:
            ctxfrag = course.frag
        role = ctx.get("role")
        if role is None:
            role = ROLES[int(r() * 20)]
        dev = ""
        if r() < 0.15 or path.startswith("/api/"):
            if r() < 0.6:
                dev = ',"developer_key_id":%s' % inst.dev_keys[int(r() * len(inst.dev_keys))]
        real = ""
        if r() < 0.01:
            ru = users[int(r() * len(users))]
            real = ',"real_user_id":%s' % J(ru.id)
        if ref is None:
            ref_j = "null"
        else:
            ref_j = '"%s%s"' % (inst.base, ref)
        if ctxfrag:
            ctxfrag = "," + ctxfrag + (',"context_role":"%s"' % role if role else "")
        md = ('%s,%s%s%s%s,"request_id":"%s","session_id":"%s","hostname":%s,"http_method":"%s",'
              '"user_agent":%s,"client_ip":%s,"url":"%s%s","referrer":%s,"producer":"canvas",'
              '"event_name":%s,"event_time":%s') % (
            inst.frag, user.frag, real, dev, ctxfrag, self.uuid4(), user.sessions[int(r() * 3)], inst.host_j,
            method, user.ua_j[0 if r() < 0.8 else 1], user.ip_j, inst.base, path, ref_j, name_j, et)
        return '{"metadata":{%s},"body":%s}\n' % (md, body)

    # ---- event bodies: each returns (body_json, request) ------------------------------------
    # request = (http_method, path, referrer_path_or_None, context_fragment_or_None) or None for jobs

    def ev_asset_accessed(self, c):
        r = self.r
        course, inst, user = c["course"], c["inst"], c["user"]
        k = r()
        cl = course.local
        extra = ""
        if k < 0.55:
            sub = ASSET_SUBTYPES[int(r() * len(ASSET_SUBTYPES))]
            atype, aid, aname = "course", course.id, course.name_j
            path = "/courses/%d/%s" % (cl, sub)
            if sub == "modules" and r() < 0.5:
                path = "/courses/%d/modules/items/%d" % (cl, self.lid(10000))
            elif sub == "files":
                path = "/api/v1/courses/%d/files?sort=updated_at&order=desc&per_page=50&include%%5B%%5D=user&include%%5B%%5D=usage_rights" % cl
        elif k < 0.70:
            sub = None
            atype = "wiki_page"
            title = self.page_titles[int(r() * len(self.page_titles))]
            aid, aname = self.w.gid(inst, self.lid()), title
            path = "/courses/%d/pages/%s" % (cl, self.slug_list[int(r() * len(self.slug_list))])
            if r() < 0.5:
                path += "?module_item_id=%d" % self.lid(10000)
        elif k < 0.82:
            sub = None
            atype = "attachment"
            fj, ctj, fname = self.files[int(r() * len(self.files))]
            a = self.lid()
            aid, aname = self.w.gid(inst, a), fj
            path = "/courses/%d/files/%d/download?download_frd=1&verifier=%s" % (cl, a, self.w.alnum(40) if r() < 0.3 else "Xk29dLq0PzRkY7bVn3sMaW8cT5eHjUfG1oQx6yIr")
            extra = ',"filename":%s,"display_name":%s,"content_type":%s' % (fj, fj, ctj)
        elif k < 0.88:
            sub = None
            atype = "assignment"
            a = self.lid()
            aid, aname = self.w.gid(inst, a), self.assign_names[int(r() * len(self.assign_names))]
            path = "/courses/%d/assignments/%d" % (cl, a)
        elif k < 0.93:
            sub = None
            atype = "quizzes:quiz"
            a = self.lid()
            aid, aname = self.w.gid(inst, a), '"Quiz %d"' % (1 + int(r() * 12))
            path = "/courses/%d/quizzes/%d/take?user_id=%d" % (cl, a, user.local)
        elif k < 0.96:
            atype = "group"
            sub = ASSET_SUBTYPES[int(r() * 6)]
            gl, gname = course.groups[int(r() * 4)]
            aid, aname = self.w.gid(inst, gl), J(gname)
            path = "/groups/%d/%s" % (gl, sub)
            role = "GroupMembership"
            c["role"] = role
            body = ('{"asset_name":%s,"asset_type":"group","asset_id":"%s","asset_subtype":"%s","category":"%s",'
                    '"role":"GroupMembership","level":null}') % (aname, aid, sub, sub)
            ctxfrag = '"context_type":"Group","context_id":"%s","context_account_id":"%s"' % (aid, course.account_id)
            return body, ("GET", path, path if r() < 0.5 else None, ctxfrag)
        elif k < 0.985:
            atype = "context_external_tool"
            sub = None
            a = self.lid(1, 9000)
            aid, aname = self.w.gid(inst, a), self.pick(['"Zoom"', '"McGraw Hill Connect"', '"Turnitin"',
                                                          '"YuJa Media \\/ Video"', '"Gradescope"'])
            path = "/courses/%d/external_tools/%d?display=borderless&launch_type=course_navigation&resource_link_lookup_uuid=%s" % (
                cl, a, self.uuid4())
            extra = ',"url":"https:\\/\\/tool.example.com\\/lti\\/launch?context_id=%d","domain":"tool.example.com"' % cl
        else:
            atype = "user"
            sub = self.pick(["files", "calendar_feed", "profile", "settings"])
            aid, aname = user.id, user.name_j
            path = "/users/%d/%s" % (user.local, sub)
            c["role"] = ""
            body = ('{"asset_name":%s,"asset_type":"user","asset_id":"%s","asset_subtype":"%s","category":"%s",'
                    '"role":null,"level":null}') % (aname, aid, sub, sub)
            return body, ("GET", path, None, '"context_type":"User","context_id":"%s"' % user.id)
        role_j = J(self.pick(ROLES)) if r() < 0.7 else "null"
        level = "null" if r() < 0.8 else '"participate"'
        if sub is None:
            sub_s = ""
            cat = {"wiki_page": "wiki", "attachment": "files", "assignment": "assignments",
                   "quizzes:quiz": "quizzes", "context_external_tool": "external_tools"}[atype]
        else:
            sub_s = ',"asset_subtype":"%s"' % sub
            cat = sub
        term = ',"enrollment_term_id":"%s"' % self.w.gid(inst, course.term) if r() < 0.3 else ""
        body = '{"asset_name":%s,"asset_type":"%s","asset_id":"%s"%s,"category":"%s","role":%s,"level":%s%s%s}' % (
            aname, atype, aid, sub_s, cat, role_j, level, extra, term)
        if r() < 0.3:
            ref = None
        else:
            ref = "/courses/%d%s" % (cl, REFERRER_TAILS[int(r() * len(REFERRER_TAILS))])
        if r() < 0.05:
            ref = "/"
        return body, ("GET", path, ref, None)

    def ev_logged_in(self, c):
        r = self.r
        inst = c["inst"]
        k = r()
        if k < 0.4:
            body = '{"redirect_url":"%s/"}' % inst.base
            path, ref = "/login/saml", "/idp/profile/SAML2/Redirect/SSO?execution=e1s%d" % (1 + int(r() * 3))
        elif k < 0.7:
            body = '{"redirect_url":"%s/courses/%d/assignments/%d?module_item_id=%d"}' % (
                inst.base, c["course"].local, self.lid(), self.lid(10000))
            path, ref = "/login/oauth2/token", None
        elif k < 0.9:
            body = '{"redirect_url":null}'
            path, ref = "/login/canvas", "/login/canvas"
        else:
            body = '{}'
            path, ref = "/login/oauth2/callback?code=%s&state=%s" % (self.w.alnum(60), self.w.alnum(24)), None
        c["role"] = ""
        return body, ("POST", path, ref, "")

    def ev_logged_out(self, c):
        c["role"] = ""
        ref = "/courses/%d/quizzes/%d?module_item_id=%d" % (c["course"].local, self.lid(), self.lid(10000))
        return "{}", ("POST" if self.r() < 0.8 else "DELETE", "/logout", ref, "")

    def _submission_common(self, c, created):
        r = self.r
        inst, course, t = c["inst"], c["course"], c["t"]
        student = course.students[int(r() * 30)]
        a = self.lid()
        stype = self.pick(["online_text_entry", "online_upload", "online_url", "online_quiz",
                           "basic_lti_launch", "discussion_topic", "media_recording", "student_annotation"])
        graded = r() < 0.5
        score = self.pick(["99.5", "100.0", "17.31", "4.0", "0", "85", "72.25", "null", "9.5", "1.0e-05"]) if graded else "null"
        grade = self.pick(['"A-"', '"B+"', '"complete"', '"incomplete"', '"88%"', '"Missing"', '"17.31"']) if graded else "null"
        lti = self.uuid4()
        sub_id = self.lid()
        parts = [
            '"assignment_id":"%s"' % self.w.gid(inst, a),
            '"attempt":%s' % (self.pick(["1", "2", "3", "null", "12"])),
        ]
        if stype == "online_text_entry":
            parts.append('"body":%s' % self.discussion[int(r() * len(self.discussion))])
        elif stype == "online_url":
            parts.append('"url":"https:\\/\\/docs.example.com\\/document\\/d\\/%s\\/edit?usp=sharing"' % self.w.alnum(44))
        elif stype == "online_upload":
            n = int(r() * 4)
            parts.append('"attachment_ids":[%s]' % ",".join('"%s"' % self.w.gid(inst, self.lid()) for _ in range(n)))
        parts += [
            '"grade":%s' % grade,
            '"graded_at":%s' % (self.ts(self.past(t, 2)) if graded else "null"),
            '"group_id":%s' % (('"%s"' % self.w.gid(inst, course.groups[0][0])) if r() < 0.1 else "null"),
            '"late":%s' % ("true" if r() < 0.12 else "false"),
            '"lti_assignment_id":"%s"' % lti,
            '"lti_user_id":"%s"' % student.uuid,
            '"missing":%s' % ("true" if r() < 0.05 else "false"),
            '"score":%s' % score,
            '"submission_id":"%s"' % self.w.gid(inst, sub_id),
            '"submission_type":"%s"' % stype,
            '"submitted_at":%s' % self.ts(t, 0.1),
            '"updated_at":%s' % self.ts(t),
            '"user_id":"%s"' % student.id,
            '"workflow_state":"%s"' % self.pick(["submitted", "graded", "pending_review", "unsubmitted"]),
        ]
        if r() < 0.3:
            parts.append('"global_id":%d' % self.big_number())
        if not created and r() < 0.25:
            parts.append('"posted_at":%s' % self.ts(t))
        if r() < 0.15:
            parts.append('"status":"%s"' % self.pick(["resubmitted", "excused", "late", "none"]))
        body = "{%s}" % ",".join(parts)
        if r() < 0.25:
            return body, ("POST", "/api/lti/v1/tools/%d/grade_passback" % self.lid(1000, 900000), None, None)
        c["role"] = "StudentEnrollment"
        return body, ("POST", "/courses/%d/assignments/%d/submissions" % (course.local, a),
                      "/courses/%d/assignments/%d" % (course.local, a), None)

    def ev_submission_created(self, c):
        return self._submission_common(c, True)

    def ev_submission_updated(self, c):
        return self._submission_common(c, False)

    def ev_grade_change(self, c):
        r = self.r
        inst, course, t, user = c["inst"], c["course"], c["t"], c["user"]
        student = course.students[int(r() * 30)]
        a = self.lid()
        pp = self.pick(["1", "10", "100.0", "4.0", "20", "12.5", "null"])
        score = self.pick(["5", "4", "17.31", "100.0", "0.0", "8.75", "null"])
        body = ('{"assignment_id":"%s","assignment_name":%s,"grade":%s,"grader_id":"%s","grading_complete":%s,'
                '"muted":%s,"old_grade":%s,"old_points_possible":%s,"old_score":%s,"points_possible":%s,"score":%s,'
                '"student_id":"%s","student_sis_id":%s,"submission_id":"%s","user_id":"%s","grade_posting_policy":'
                '{"post_manually":%s,"course_id":"%s"},"graded_at":%s%s}') % (
            self.w.gid(inst, a), self.assign_names[int(r() * len(self.assign_names))],
            self.pick(['"5"', '"A"', '"B-"', '"complete"', '"17.31"', "null"]), user.id,
            "true" if r() < 0.9 else "false", "true" if r() < 0.1 else "false",
            self.pick(['"4"', "null", '"C+"', '"incomplete"']), pp, self.pick(["4", "null", "3.5", "0"]), pp, score,
            student.id, J(student.sis), self.w.gid(inst, self.lid()), student.id,
            "true" if r() < 0.2 else "false", course.id, self.ts(t),
            (',"global_id":%d' % self.big_number()) if r() < 0.2 else "")
        if r() < 0.2:
            c["job_tag"] = self.pick(JOB_TAGS["grade"])
            return body, None
        c["role"] = "TeacherEnrollment"
        return body, ("POST" if r() < 0.7 else "PUT",
                      "/api/v1/courses/%d/assignments/%d/submissions/%d?include%%5B%%5D=visibility" % (course.local, a, student.local),
                      "/courses/%d/gradebook/speed_grader?assignment_id=%d&student_id=%d" % (course.local, a, student.local), None)

    def ev_discussion_entry_created(self, c):
        r = self.r
        inst, course, t, user = c["inst"], c["course"], c["t"], c["user"]
        topic = self.lid(1000, 900000)
        entry = self.lid()
        parent = '"%d"' % self.lid() if r() < 0.5 else "null"
        body = ('{"created_at":%s,"discussion_entry_id":"%d","discussion_topic_id":"%d","parent_discussion_entry_id":%s,'
                '"text":%s,"user_id":"%s"%s}') % (
            self.ts(c["t"], 0.6), entry, topic, parent, self.discussion[int(r() * len(self.discussion))], user.id,
            (',"parent_discussion_entry_author_id":"%s"' % course.students[0].id) if parent != "null" else "")
        return body, ("POST", "/api/v1/courses/%d/discussion_topics/%d/entries" % (course.local, topic),
                      "/courses/%d/discussion_topics/%d" % (course.local, topic), None)

    def ev_enrollment_updated(self, c):
        return self._enrollment(c, False)

    def ev_enrollment_created(self, c):
        return self._enrollment(c, True)

    def _enrollment(self, c, created):
        r = self.r
        inst, course, t = c["inst"], c["course"], c["t"]
        student = course.students[int(r() * 30)]
        etype = self.pick(["StudentEnrollment"] * 6 + ["TeacherEnrollment", "TaEnrollment", "ObserverEnrollment"])
        sec = course.sections[int(r() * 3)]
        body = ('{"associated_user_id":%s,"course_id":"%s","course_section_id":"%s","created_at":%s,"enrollment_id":"%s",'
                '"limit_privileges_to_course_section":%s,"type":"%s","updated_at":%s,"user_id":"%s","user_name":%s,'
                '"workflow_state":"%s"}') % (
            ('"%s"' % course.students[1].id) if etype == "ObserverEnrollment" else "null",
            course.id, self.w.gid(inst, sec), self.ts(self.past(t, 60)), self.w.gid(inst, self.lid()),
            "true" if r() < 0.2 else "false", etype, self.ts(t), student.id, student.name_j,
            self.pick(["active", "invited", "completed", "inactive", "deleted", "creation_pending"]))
        if r() < 0.6:
            c["job_tag"] = self.pick(JOB_TAGS["sis"])
            return body, None
        return body, ("POST" if created else "PUT",
                      "/api/v1/sections/%d/enrollments?enrollment[user_id]=%d&enrollment[type]=%s&enrollment[enrollment_state]=active&enrollment[notify]=false" % (
                          sec, student.local, etype), None, None)

    def ev_wiki_page_updated(self, c):
        r = self.r
        inst = c["inst"]
        title = self.page_titles[int(r() * len(self.page_titles))]
        parts = ['"body":%s' % self.discussion[int(r() * len(self.discussion))], '"title":%s' % title,
                 '"wiki_page_id":"%s"' % self.w.gid(inst, self.lid())]
        if r() < 0.6:
            parts.insert(1, '"old_body":%s' % self.discussion[int(r() * len(self.discussion))])
        if r() < 0.3:
            parts.insert(2, '"old_title":%s' % self.page_titles[int(r() * len(self.page_titles))])
        body = "{%s}" % ",".join(parts)
        if r() < 0.3:
            c["job_tag"] = self.pick(JOB_TAGS["content"])
            return body, None
        cl = c["course"].local
        return body, ("PUT", "/api/v1/courses/%d/pages/%s" % (cl, self.pick(self.slug_list)), "/courses/%d/pages" % cl, None)

    def ev_wiki_page_created(self, c):
        r = self.r
        body = '{"body":%s,"title":%s,"wiki_page_id":"%s"}' % (
            self.discussion[int(r() * len(self.discussion))], self.page_titles[int(r() * len(self.page_titles))],
            self.w.gid(c["inst"], self.lid()))
        if r() < 0.5:
            c["job_tag"] = self.pick(JOB_TAGS["content"])
            return body, None
        return body, ("POST", "/api/v1/courses/%d/pages" % c["course"].local, None, None)

    def ev_quiz_submitted(self, c):
        r = self.r
        inst, course, user = c["inst"], c["course"], c["user"]
        q = self.lid()
        body = '{"quiz_id":"%s","submission_id":"%s"%s}' % (
            self.w.gid(inst, q), self.w.gid(inst, self.lid()),
            (',"quiz_submission":{"attempt":%d,"score":%s,"kept_score":%s,"fudge_points":%s,"time_spent":%d,"workflow_state":"%s"}' % (
                1 + int(r() * 3), self.pick(["17.31", "100.0", "4.0", "62.5"]), self.pick(["17.31", "100.0", "null"]),
                self.pick(["0.0", "null", "-2.5"]), int(r() * 3600), self.pick(["complete", "pending_review"]))) if r() < 0.5 else "")
        c["role"] = "StudentEnrollment"
        return body, ("POST", "/courses/%d/quizzes/%d/submissions?user_id=%d" % (course.local, q, user.local),
                      "/courses/%d/quizzes/%d/take/questions/%d" % (course.local, q, self.lid()), None)

    def ev_attachment_created(self, c):
        r = self.r
        inst, course, t, user = c["inst"], c["course"], c["t"], c["user"]
        fj, ctj, fname = self.files[int(r() * len(self.files))]
        a = self.lid()
        body = ('{"attachment_id":"%s","content_type":%s,"context_id":"%s","context_type":"%s","display_name":%s,'
                '"filename":%s,"folder_id":"%s","lock_at":%s,"unlock_at":%s,"updated_at":%s,"user_id":"%s","size":%d}') % (
            self.w.gid(inst, a), ctj, course.id if r() < 0.7 else user.id, "Course" if r() < 0.7 else "User",
            fj, fj, self.w.gid(inst, self.lid()), "null" if r() < 0.8 else self.ts(self.future(t)),
            "null" if r() < 0.8 else self.ts(t), self.ts(t), user.id, int(r() * 50_000_000))
        return body, ("POST", "/api/v1/files/capture", None, "" if r() < 0.5 else None)

    def ev_attachment_updated(self, c):
        body, req = self.ev_attachment_created(c)
        if self.r() < 0.4:
            body = body[:-1] + ',"old_display_name":%s}' % self.files[int(self.r() * len(self.files))][0]
        return body, ("PUT", "/api/v1/files/%d" % self.lid(), "/courses/%d/files" % c["course"].local, None)

    def ev_module_item_updated(self, c):
        r = self.r
        course = c["course"]
        m, mi = self.lid(1, 90000), self.lid(10000)
        body = ('{"context_id":"%s","context_type":"Course","module_id":"%d","module_item_id":"%d","position":%d,'
                '"workflow_state":"%s"}') % (course.id, m, mi, 1 + int(r() * 40), self.pick(["active", "unpublished", "deleted"]))
        c["role"] = "TeacherEnrollment"
        return body, ("PUT", "/api/v1/courses/%d/modules/%d/items/%d" % (course.local, m, mi), "/courses/%d/modules" % course.local, None)

    def ev_module_updated(self, c):
        r = self.r
        course = c["course"]
        m = self.lid(1, 90000)
        body = '{"context_id":"%s","context_type":"Course","module_id":"%d","name":"Module %d","position":%d,"workflow_state":"%s"}' % (
            course.id, m, 1 + int(r() * 15), 1 + int(r() * 15), self.pick(["active", "unpublished"]))
        if r() < 0.3:
            c["job_tag"] = self.pick(JOB_TAGS["content"])
            return body, None
        return body, ("POST", "/courses/%d/modules/reorder" % course.local, "/courses/%d/modules" % course.local, None)

    def _assignment(self, c, created):
        r = self.r
        inst, course, t = c["inst"], c["course"], c["t"]
        a = self.lid()
        due = self.future(t)
        parts = [
            '"assignment_group_id":"%s"' % self.w.gid(inst, self.lid()),
            '"assignment_id":"%s"' % self.w.gid(inst, a),
            '"context_id":"%s","context_type":"Course","context_uuid":"%s"' % (course.id, course.uuid),
            '"created_on_blueprint_sync":%s' % ("true" if r() < 0.05 else "false"),
            '"description":%s' % self.discussion[int(r() * len(self.discussion))],
            '"due_at":%s' % (self.ts(due) if r() < 0.85 else "null"),
            '"lock_at":%s' % (self.ts(due + 86400000) if r() < 0.4 else "null"),
            '"unlock_at":%s' % (self.ts(t) if r() < 0.4 else "null"),
            '"lti_assignment_id":"%s"' % self.uuid4(),
            '"lti_resource_link_id":"%040x"' % self.bits(160),
            '"points_possible":%s' % self.pick(["100.0", "10", "4.0", "20.5", "0", "null", "17.31"]),
            '"submission_types":%s' % self.pick(['"online_text_entry,online_upload"', '"online_quiz"', '"none"',
                                                 '"external_tool"', '"on_paper"', '"discussion_topic"']),
            '"title":%s' % self.assign_names[int(r() * len(self.assign_names))],
            '"updated_at":%s' % self.ts(t),
            '"workflow_state":"%s"' % self.pick(["published", "unpublished", "deleted"]),
        ]
        if r() < 0.2:
            parts.append('"assignment_id_duplicated_from":"%s","domain_duplicated_from":"%s"' % (self.w.gid(inst, self.lid()), inst.host))
        if r() < 0.3:
            parts.append('"anonymous_grading":false,"omit_from_final_grade":%s' % ("true" if r() < 0.1 else "false"))
        body = "{%s}" % ",".join(parts)
        c["role"] = "TeacherEnrollment"
        if created:
            return body, ("POST", "/api/v1/courses/%d/assignments" % course.local, None, None)
        return body, ("PUT", "/api/v1/courses/%d/assignments/%d" % (course.local, a), None if r() < 0.5 else "/courses/%d/assignments/%d/edit" % (course.local, a), None)

    def ev_assignment_created(self, c):
        return self._assignment(c, True)

    def ev_assignment_updated(self, c):
        return self._assignment(c, False)

    def ev_enrollment_state_updated(self, c):
        r = self.r
        inst, t = c["inst"], c["t"]
        st = self.pick(["active", "pending_active", "pending_invited", "completed", "inactive", "invited"])
        body = ('{"access_is_current":%s,"enrollment_id":"%s","restricted_access":%s,"state":"%s","state_is_current":%s,'
                '"state_started_at":%s,"state_valid_until":%s}') % (
            "true" if r() < 0.9 else "false", self.w.gid(inst, self.lid()), "true" if r() < 0.05 else "false", st,
            "true" if r() < 0.9 else "false", self.ts(self.past(t), 0.9), "null" if r() < 0.5 else self.ts(self.future(t, 120)))
        if r() < 0.7:
            c["job_tag"] = self.pick(JOB_TAGS["sis"])
            return body, None
        return body, ("POST", "/courses/%d/enroll_users" % c["course"].local,
                      "/accounts/1?enrollment_term_id=%d&search_term=%s" % (c["course"].term, self.pick(["hsw", "smith", "m%C3%BCller"])), None)

    def ev_course_grade_change(self, c):
        r = self.r
        course, t = c["course"], c["t"]
        student = course.students[int(r() * 30)]

        def sc():
            return self.pick(["17.31", "13.46", "12.5", "9.72", "100.0", "87.5", "null", "0.0", "93.333333", "4.0"])
        body = ('{"user_id":"%s","course_id":"%s","workflow_state":"active","created_at":%s,"updated_at":%s,'
                '"current_score":%s,"old_current_score":%s,"final_score":%s,"old_final_score":%s,'
                '"unposted_current_score":%s,"old_unposted_current_score":%s,"unposted_final_score":%s,'
                '"old_unposted_final_score":%s}') % (
            student.id, course.id, self.ts(self.past(t, 90), 0.6), self.ts(t, 0.6), sc(), sc(), sc(), sc(), sc(), sc(), sc(), sc())
        if r() < 0.5:
            c["job_tag"] = "Course#recompute_student_scores_without_send_later"
            return body, None
        c["role"] = "TeacherEnrollment"
        return body, ("POST", "/courses/%d/gradebook/update_submission" % course.local,
                      "/courses/%d/gradebook/speed_grader?assignment_id=%d&student_id=%d" % (course.local, self.lid(), student.local), None)

    def ev_conversation_message_created(self, c):
        r = self.r
        user, t = c["user"], c["t"]
        conv = self.lid(1, 9_000_000)
        n = 1 + int(r() * 4)
        body = ('{"author_id":"%s","conversation_id":"%d","created_at":%s,"message_id":"%d","body":%s,'
                '"recipient_ids":[%s],"attachment_ids":[%s],"has_attachments":%s,"media_comment":%s}') % (
            user.id, conv, self.ts(t), self.lid(), self.messages[int(r() * len(self.messages))],
            ",".join('"%s"' % c["course"].students[int(r() * 30)].id for _ in range(n)),
            "" if r() < 0.8 else '"%s"' % self.lid(), "false", "null")
        c["role"] = ""
        return body, ("POST", "/conversations/%d/add_message" % conv, "/conversations", "")

    def ev_conversation_created(self, c):
        r = self.r
        conv = self.lid(1, 9_000_000)
        body = '{"conversation_id":"%d","updated_at":%s}' % (conv, self.ts(c["t"], 0.8))
        c["role"] = ""
        return body, ("POST", "/conversations", "/conversations", "")

    def ev_submission_comment_created(self, c):
        r = self.r
        inst, course, t, user = c["inst"], c["course"], c["t"], c["user"]
        n = int(r() * 3)
        body = ('{"attachment_ids":[%s],"body":%s,"created_at":%s,"submission_comment_id":"%s","submission_id":"%s",'
                '"user_id":"%s"}') % (
            ",".join('"%d"' % self.lid() for _ in range(n)), self.comments[int(r() * len(self.comments))], self.ts(t),
            self.w.gid(inst, self.lid()), self.w.gid(inst, self.lid()), user.id)
        a = self.lid()
        return body, ("POST", "/courses/%d/assignments/%d/submissions/%d" % (course.local, a, self.lid()),
                      "/courses/%d/gradebook/speed_grader?assignment_id=%d&student_id=%d" % (course.local, a, self.lid()), None)

    def ev_learning_outcome_result_created(self, c):
        r = self.r
        inst, t, user, course = c["inst"], c["t"], c["user"], c["course"]
        possible = self.pick(["5", "3.0", "4.0", "100.0"])
        body = ('{"id":"%d","assessed_at":%s,"attempt":%d,"created_at":%s,"learning_outcome_id":"%d",'
                '"learning_outcome_context_uuid":"%s","result_context_id":"%s","result_context_type":"Course",'
                '"result_context_uuid":"%s","mastery":%s,"original_mastery":%s,"original_possible":%s,"original_score":%s,'
                '"percent":%s,"possible":%s,"score":%s,"user_uuid":"%s","artifact_id":"%d","artifact_type":"%s",'
                '"artifact_updated_at":%s,"associated_asset":{"id":"%d","type":"%s","context":{"id":"%s","type":"Course","uuid":"%s"}}}') % (
            self.lid(), self.ts(t), 1 + int(r() * 3), self.ts(t), self.lid(1, 90000), course.uuid, course.id, course.uuid,
            self.pick(["true", "false", "null"]), self.pick(["true", "false", "null"]), possible,
            self.pick(["5", "2.5", "4.0", "0", "null"]), self.pick(["1", "0.5", "0.8333333333333334", "1.0e-05", "0.0", "null"]),
            possible, self.pick(["5", "3.0", "2.5", "null"]), user.uuid, self.lid(),
            self.pick(["RubricAssessment", "Quizzes::QuizSubmission", "Submission"]), self.ts(t),
            self.lid(), self.pick(["Assignment", "Quizzes::Quiz"]), course.id, course.uuid)
        c["job_tag"] = "Quizzes::SubmissionGrader#update_outcomes"
        return body, None

    def ev_discussion_topic_created(self, c):
        r = self.r
        inst, course, t = c["inst"], c["course"], c["t"]
        ann = r() < 0.3
        body = ('{"assignment_id":%s,"body":%s,"context_id":"%s","context_type":"Course","discussion_topic_id":"%s",'
                '"is_announcement":%s,"lock_at":%s,"title":%s,"updated_at":%s,"workflow_state":"%s"}') % (
            "null" if ann or r() < 0.6 else '"%s"' % self.w.gid(inst, self.lid()), self.discussion[int(r() * len(self.discussion))],
            course.id, self.w.gid(inst, self.lid()), "true" if ann else "false",
            "null" if r() < 0.7 else self.ts(self.future(t)), self.page_titles[int(r() * len(self.page_titles))], self.ts(t),
            self.pick(["active", "unpublished", "post_delayed"]))
        if r() < 0.3:
            c["job_tag"] = self.pick(JOB_TAGS["content"])
            return body, None
        c["role"] = "TeacherEnrollment"
        return body, ("POST", "/api/v1/courses/%d/discussion_topics" % course.local, "/courses/%d/discussion_topics/new" % course.local, None)

    def ev_user_account_association_created(self, c):
        r = self.r
        inst, t = c["inst"], c["t"]
        acct = inst.sub_accounts[int(r() * len(inst.sub_accounts))]
        body = ('{"account_id":"%s","account_uuid":"%s","created_at":%s,"is_admin":%s,"updated_at":%s,"user_id":"%s"}') % (
            acct[1], inst.uuid, self.ts(t, 0.3), "true" if r() < 0.02 else "false", self.ts(t, 0.3), c["user"].id)
        c["job_tag"] = "User#update_account_associations"
        return body, None

    def ev_rubric_assessed(self, c):
        r = self.r
        course, t = c["course"], c["t"]
        n = 2 + int(r() * 4)
        crit = []
        for i in range(n):
            crit.append('{"criterion_id":"_%d","points":%s,"comments":%s,"rating_id":%s,"description":%s}' % (
                1000 + int(r() * 9000), self.pick(["4.0", "3", "2.5", "0", "null", "5.0"]),
                self.comments[int(r() * len(self.comments))] if r() < 0.4 else '""',
                '"blank_%d"' % i if r() < 0.7 else "null", self.outcomes[int(r() * len(self.outcomes))]))
        body = ('{"id":"%d","aligned_to_outcomes":%s,"artifact_id":"%d","artifact_type":"Submission","assessment_type":"%s",'
                '"context_uuid":"%s","submitted_at":%s,"created_at":%s,"updated_at":%s,"attempt":%s,"data":[%s]}') % (
            self.lid(), "true" if r() < 0.3 else "false", self.lid(), self.pick(["grading", "peer_review", "provisional_grade"]),
            course.uuid, self.ts(t), self.ts(t), self.ts(t), self.pick(["1", "2", "null"]), ",".join(crit))
        c["role"] = "TeacherEnrollment"
        return body, ("POST", "/courses/%d/rubric_associations/%d/assessments" % (course.local, self.lid()),
                      "/courses/%d/gradebook/speed_grader?assignment_id=%d&student_id=%d" % (course.local, self.lid(), self.lid()), None)

    def ev_group_membership_created(self, c):
        r = self.r
        inst, course = c["inst"], c["course"]
        gl, gname = course.groups[int(r() * 4)]
        body = ('{"group_category_id":"%s","group_category_name":%s,"group_id":"%s","group_membership_id":"%s",'
                '"group_name":%s,"user_id":"%s","workflow_state":"%s"}') % (
            self.w.gid(inst, self.lid()), self.pick(['"Project Groups"', '"Live_events_Group1"', '"Équipes de labo"', '"学習グループ"']),
            self.w.gid(inst, gl), self.w.gid(inst, self.lid()), J(gname), course.students[int(r() * 30)].id,
            self.pick(["accepted", "invited", "requested"]))
        return body, ("POST", "/group_categories/%d/clone_with_name" % self.lid(), "/courses/%d/groups" % course.local, None)

    def ev_group_created(self, c):
        r = self.r
        inst, course = c["inst"], c["course"]
        gl, gname = course.groups[int(r() * 4)]
        body = ('{"account_id":"%s","context_id":"%s","context_type":"Course","group_category_id":"%s","group_category_name":%s,'
                '"group_id":"%s","group_name":%s,"max_membership":%s,"uuid":"%s","workflow_state":"available"}') % (
            course.account_id, course.id, self.w.gid(inst, self.lid()), '"Project Groups"', self.w.gid(inst, gl), J(gname),
            self.pick(["100", "4", "null", "6"]), self.w.alnum(40))
        return body, ("POST", "/api/v1/group_categories/%d/groups" % self.lid(), "/courses/%d/groups" % course.local, None)

    def ev_course_updated(self, c):
        r = self.r
        inst, course, t = c["inst"], c["course"], c["t"]
        body = ('{"account_id":"%s","course_id":"%s","created_at":%s,"name":%s,"updated_at":%s,"uuid":"%s",'
                '"workflow_state":"%s"%s}') % (
            course.account_id, course.id, self.ts(self.past(t, 200)), course.name_j, self.ts(t, 0.9), course.uuid,
            self.pick(["available", "claimed", "completed"]),
            (',"updated_previous":{"name":%s,"workflow_state":"claimed"}' % course.name_j) if r() < 0.3 else "")
        if r() < 0.5:
            c["job_tag"] = self.pick(JOB_TAGS["sis"])
            return body, None
        return body, ("PUT", "/api/v1/courses/%d" % course.local, "/courses/%d/settings" % course.local, None)

    def ev_course_completed(self, c):
        r = self.r
        inst, course, t, user = c["inst"], c["course"], c["t"], c["user"]
        n = 3 + int(r() * 10)
        done = n if r() < 0.7 else int(r() * n)
        cur = ('{"module_item_id":"%d","type":"%s","requirement":{"type":"%s","min_score":%s}}' % (
            self.lid(), self.pick(["Assignment", "WikiPage", "Quiz"]), self.pick(["must_submit", "min_score", "must_view"]),
            self.pick(["null", "70.0", "4.0"]))) if done < n else "null"
        body = ('{"course":{"account_id":"%d","id":"%d","name":%s,"sis_source_id":%s},"progress":{"completed_at":%s,'
                '"next_requirement_url":%s,"requirement_completed_count":%d,"requirement_count":%d,"current_requirement":%s},'
                '"user":{"email":%s,"id":"%d","name":%s}}') % (
            course.account_local, course.local, course.name_j, J(course.sis), self.ts(t) if done == n else "null",
            ('"%s/courses/%d/modules/items/%d"' % (inst.base, course.local, self.lid())) if done < n else "null",
            done, n, cur, J(user.email), user.local, user.name_j)
        c["role"] = "StudentEnrollment"
        return body, ("GET", "/api/v1/courses/%d/modules?include%%5B%%5D=items&per_page=99" % course.local, None, None)

    def ev_content_migration_completed(self, c):
        r = self.r
        inst, course = c["inst"], c["course"]
        body = ('{"content_migration_id":"%s","context_id":"%s","context_type":"Course","context_uuid":"%s",'
                '"import_quizzes_next":%s,"lti_context_id":"%040x","source_course_lti_id":"%040x",'
                '"destination_course_lti_id":"%040x","migration_type":"%s","domain":"%s","status":"%s"}') % (
            self.w.gid(inst, self.lid()), course.id, course.uuid, "true" if r() < 0.2 else "false",
            self.bits(160), self.bits(160), self.bits(160),
            self.pick(["course_copy_importer", "common_cartridge_importer", "canvas_cartridge_importer", "zip_file_importer"]),
            inst.host, self.pick(["completed", "completed", "completed", "failed"]))
        c["job_tag"] = "ContentMigration#import_content"
        c["ctx_course"] = True
        return body, None

    def ev_user_created(self, c):
        r = self.r
        inst, t = c["inst"], c["t"]
        u = inst.users[int(r() * len(inst.users))]
        body = ('{"created_at":%s,"name":%s,"short_name":%s,"updated_at":%s,"user_id":"%s","user_login":%s,'
                '"user_sis_id":%s,"uuid":"%s","workflow_state":"%s"}') % (
            self.ts(t, 0.6), u.name_j, u.short_j, self.ts(t, 0.6), u.id, J(u.login), J(u.sis), u.uuid,
            self.pick(["pre_registered", "registered", "creation_pending"]))
        if r() < 0.5:
            c["job_tag"] = self.pick(JOB_TAGS["sis"])
            return body, None
        ctx = '"context_type":"Account","context_id":"%s","context_account_id":"%s"' % (inst.root_id, inst.root_id)
        c["role"] = "AccountAdmin"
        return body, ("POST", "/api/v1/accounts/%d/users" % inst.sub_accounts[-1][0], None, ctx)

    def ev_course_section_updated(self, c):
        r = self.r
        inst, course, t = c["inst"], c["course"], c["t"]
        sec = course.sections[int(r() * 3)]
        body = ('{"accepting_enrollments":%s,"can_manually_enroll":%s,"course_id":"%s","course_section_id":"%s",'
                '"default_section":%s,"end_at":%s,"enrollment_term_id":"%s","integration_id":%s,"name":%s,'
                '"nonxlist_course_id":%s,"restrict_enrollments_to_section_dates":%s,"root_account_id":"%s",'
                '"sis_batch_id":%s,"sis_source_id":%s,"start_at":%s,"stuck_sis_fields":%s,"workflow_state":"active"}') % (
            "true" if r() < 0.9 else "false", self.pick(["null", "true", "false"]), course.id, self.w.gid(inst, sec),
            "true" if r() < 0.3 else "false", self.ts(self.future(t, 120)), self.w.gid(inst, course.term),
            self.pick(["null", '"INT-%d"' % sec]), J("%s – Section %03d" % (course.code, sec % 1000)),
            "null" if r() < 0.9 else '"%s"' % course.id, "true" if r() < 0.2 else "false", inst.root_id,
            "null" if r() < 0.5 else '"%d"' % self.lid(), J("%s-%d" % (course.sis or "SEC", sec)), self.ts(self.past(t, 30)),
            self.pick(['[]', '["name"]', '["name","start_at"]', '["course_id","name"]']))
        if r() < 0.5:
            c["job_tag"] = self.pick(JOB_TAGS["sis"])
            return body, None
        return body, ("PUT", "/api/v1/sections/%d" % sec, None, None)

    def ev_quiz_created(self, c):
        r = self.r
        inst, course, t = c["inst"], c["course"], c["t"]
        body = ('{"quiz_id":"%s","assignment_id":%s,"context_id":"%s","context_type":"Course","context_uuid":"%s",'
                '"title":%s,"description":%s,"quiz_type":"%s","points_possible":%s,"due_at":%s,"lock_at":%s,'
                '"unlock_at":%s,"time_limit":%s,"access_code":%s,"ip_filter":%s,"shuffle_answers":%s,'
                '"allowed_attempts":%d,"scoring_policy":"%s","workflow_state":"%s"}') % (
            self.w.gid(inst, self.lid()), "null" if r() < 0.3 else '"%s"' % self.w.gid(inst, self.lid()), course.id,
            course.uuid, J("Quiz %d: %s" % (1 + int(r() * 12), self.pick(OUTCOME_TITLES))),
            self.discussion[int(r() * len(self.discussion))], self.pick(["assignment", "practice_quiz", "graded_survey", "survey"]),
            self.pick(["100.0", "10", "4.0", "null", "17.31"]), self.ts(self.future(t)), "null", "null",
            self.pick(["30", "null", "60", "90"]), self.pick(["false", "true"]), self.pick(['null', '"192.168.0.0/24"', '"10.0.0.0\\/8"']),
            self.pick(["true", "false"]), self.pick([1, 2, -1, 3]), self.pick(["keep_highest", "keep_latest", "keep_average"]),
            self.pick(["unpublished", "available"]))
        c["role"] = "TeacherEnrollment"
        return body, ("POST", "/api/v1/courses/%d/quizzes" % course.local, None, None)

    def ev_assignment_override_created(self, c):
        r = self.r
        t = c["t"]
        typ = self.pick(["CourseSection", "ADHOC", "Group"])
        body = ('{"assignment_override_id":%d,"assignment_id":%d,"due_at":%s,"all_day":%s,"all_day_date":%s,'
                '"unlock_at":%s,"lock_at":%s,"type":"%s"%s,"workflow_state":"active"}') % (
            self.lid(), self.lid(), self.ts(self.future(t), 0.6), "true" if r() < 0.5 else "false", self.ts(self.future(t), 0.6),
            self.ts(t, 0.6), self.ts(self.future(t, 60), 0.6), typ,
            {"CourseSection": ',"course_section_id":%d' % self.lid(), "Group": ',"group_id":%d' % self.lid(),
             "ADHOC": ""}[typ])
        a = self.lid()
        c["role"] = "TeacherEnrollment"
        return body, ("PUT", "/api/v1/courses/%d/assignments/%d" % (c["course"].local, a), None, None)

    def ev_sis_batch_updated(self, c):
        r = self.r
        inst = c["inst"]
        ws = self.pick(["imported", "imported_with_messages", "failed_with_messages", "importing", "aborted"])
        body = '{"sis_batch_id":"%d","account_id":"%s","workflow_state":"%s","status":"%s","progress":%d,"data":{"import_type":"instructure_csv","counts":{"users":%d,"courses":%d,"enrollments":%d,"error_count":%d},"supplied_batches":["user","course","enrollment"]}}' % (
            self.lid(), inst.root_id, ws, ws, int(r() * 101), int(r() * 5000), int(r() * 300), int(r() * 40000), int(r() * 20))
        c["job_tag"] = "SisBatch#process_without_send_later"
        return body, None

    def ev_learning_outcome_created(self, c):
        r = self.r
        course = c["course"]
        title = self.outcomes[int(r() * len(self.outcomes))]
        ratings = ",".join('{"description":%s,"points":%s}' % (d, p) for d, p in
                           [('"Exceeds Mastery"', "4.0"), ('"Mastery"', "3.0"), ('"Near Mastery"', "2.0"),
                            ('"Well Below Mastery"', "0.0")][:2 + int(r() * 3)])
        body = ('{"calculation_int":%s,"calculation_method":"%s","context_id":"%s","context_type":"Course","description":%s,'
                '"display_name":%s,"learning_outcome_id":"%d","short_description":%s,"title":%s,"vendor_guid":%s,'
                '"workflow_state":"active","rubric_criterion":{"description":%s,"mastery_points":3.0,"points_possible":4.0,'
                '"ratings":[%s]}}') % (
            self.pick(["65", "null", "3"]), self.pick(["highest", "decaying_average", "n_mastery", "latest"]), course.id,
            self.discussion[int(r() * len(self.discussion))], title, self.lid(1, 90000), title, title,
            self.pick(["null", '"1"', '"LO-%d"' % self.lid()]), title, ratings)
        c["job_tag"] = self.pick(JOB_TAGS["content"] + ["OutcomeImport#run"])
        return body, None

    def ev_outcome_proficiency_created(self, c):
        r = self.r
        inst = c["inst"]
        colors = ["02672D", "03893D", "FAB901", "D97900", "E62429"]
        descs = ["Exceeds Mastery", "Mastery", "Near Mastery", "Below Mastery", "Well Below Mastery"]
        ratings = ",".join(
            '{"outcome_proficiency_rating_id":"%d","description":"%s","points":%s,"mastery":%s,"color":"%s","workflow_state":"active"}' % (
                i + 1, descs[i], "%d.0" % (4 - i), "true" if i == 1 else "false", colors[i]) for i in range(5))
        body = ('{"outcome_proficiency_id":"%d","context_type":"Account","context_id":"%s","workflow_state":"active",'
                '"outcome_proficiency_ratings":[%s]}') % (self.lid(1, 9000), inst.root_id, ratings)
        ctx = '"context_type":"Account","context_id":"%s","context_account_id":"%s"' % (inst.root_id, inst.root_id)
        c["role"] = "AccountAdmin"
        return body, ("POST", "/accounts/1/outcome_proficiency", None, ctx)

    def ev_course_created(self, c):
        r = self.r
        inst, course, t = c["inst"], c["course"], c["t"]
        body = ('{"account_id":"%s","course_id":"%s","created_at":%s,"name":%s,"updated_at":%s,"uuid":"%s",'
                '"workflow_state":"claimed"}') % (course.account_id, course.id, self.ts(t), course.name_j, self.ts(t), course.uuid)
        if r() < 0.5:
            c["job_tag"] = self.pick(JOB_TAGS["sis"])
            return body, None
        c["role"] = "AccountAdmin"
        return body, ("POST", "/api/v1/accounts/%d/courses" % course.account_local, None,
                      '"context_type":"Account","context_id":"%s","context_account_id":"%s"' % (course.account_id, course.account_id))

    def ev_lti_resource_link_created(self, c):
        r = self.r
        inst, course = c["inst"], c["course"]
        body = ('{"resource_link_id":"%s","resource_link_uuid":"%s","lookup_uuid":"%s","context_id":"%s","context_type":"Course",'
                '"context_external_tool_id":"%s","url":%s,"custom":%s,"workflow_state":"active"}') % (
            self.w.gid(inst, self.lid()), self.uuid4(), self.uuid4(), course.id, self.w.gid(inst, self.lid(1, 9000)),
            self.pick(['"https://example.com/lti/deep_link/12345"', '"https:\\/\\/tool.example.org\\/launch?item=42&lang=fr"', "null"]),
            self.pick(['null', '{}', '{"chapter":"3","difficulty":"hard","tags":["algebra","review"]}']))
        c["role"] = "TeacherEnrollment"
        return body, ("POST", "/api/lti/courses/%d/deep_linking_response" % course.local, "/courses/%d/modules" % course.local, None)

    def ev_account_notification_created(self, c):
        r = self.r
        inst, t = c["inst"], c["t"]
        body = ('{"account_notification_id":"%s","end_at":%s,"icon":"%s","message":%s,"start_at":%s,"subject":%s}') % (
            self.w.gid(inst, self.lid(1, 9000)), self.ts(self.future(t, 10), 0.6), self.pick(["information", "warning", "error", "calendar"]),
            self.discussion[int(r() * len(self.discussion))], self.ts(t, 0.6), J(self.pick(NOTIF_SUBJECTS)))
        ctx = '"context_type":"Account","context_id":"%s","context_account_id":"%s"' % (inst.root_id, inst.root_id)
        c["role"] = "AccountAdmin"
        return body, ("POST", "/accounts/1/account_notifications", "/accounts/1/settings", ctx)

    def ev_master_migration_completed(self, c):
        inst, course = c["inst"], c["course"]
        body = ('{"master_migration_id":"%s","master_template_id":"%s","account_id":"%s","account_uuid":"%s",'
                '"blueprint_course_id":"%s","blueprint_course_uuid":"%s","imports_completed_at":%s}') % (
            self.w.gid(inst, self.lid()), self.w.gid(inst, self.lid(1, 9000)), inst.root_id, inst.uuid, course.id, course.uuid,
            self.ts(c["t"]))
        c["job_tag"] = "MasterCourses::MasterMigration#perform_imports"
        return body, None


# --------------------------------------------------------------------------------------
# Caliper 1.1


class CaliperGen(CanvasGen):
    CTX = "http://purl.imsglobal.org/ctx/caliper/v1p1"

    def actor(self, inst, u, ext=True):
        if not ext or self.r() < 0.1:
            return '{"id":"urn:instructure:canvas:user:%s","type":"Person"}' % u.id
        return ('{"id":"urn:instructure:canvas:user:%s","type":"Person","extensions":{"com.instructure.canvas":'
                '{"user_login":%s,"user_sis_id":%s,"root_account_id":"%s","root_account_lti_guid":"%s",'
                '"root_account_uuid":"%s","entity_id":"%s"}}}') % (
            u.id, J(u.login), J(u.sis), inst.root_id, inst.lti_guid, inst.uuid, u.id)

    def caliper_event(self, inst, user, course, t):
        r = self.r
        k = r()
        et = self.ts(t, 0.1)
        req = self.uuid4()
        if k < 0.5:
            typ, action = "NavigationEvent", "NavigatedTo"
            sub = ASSET_SUBTYPES[int(r() * len(ASSET_SUBTYPES))]
            url = "%s/courses/%d/%s" % (inst.base, course.local, sub)
            obj = ('{"id":"urn:instructure:canvas:course:%s","type":"Entity","name":"%s","extensions":{"com.instructure.canvas":'
                   '{"asset_name":%s,"asset_type":"course","asset_subtype":"%s","entity_id":"%s","context_account_id":"%s",'
                   '"http_method":"GET"}}}') % (course.id, sub, course.name_j, sub, course.id, course.account_id)
        elif k < 0.62:
            typ, action = "SessionEvent", "LoggedIn"
            url = "%s/login/saml" % inst.base
            obj = ('{"id":"%s/","type":"SoftwareApplication","extensions":{"com.instructure.canvas":{"redirect_url":"%s/"}}}' % (
                inst.base, inst.base))
        elif k < 0.72:
            typ, action = "AssessmentEvent", "Submitted"
            q, s = self.lid(), self.lid()
            url = "%s/courses/%d/quizzes/%d/submissions?user_id=%d" % (inst.base, course.local, q, user.local)
            obj = ('{"id":"urn:instructure:canvas:submission:%s","type":"Attempt","extensions":{"com.instructure.canvas":'
                   '{"entity_id":"%s"}},"assignee":{"id":"urn:instructure:canvas:user:%s","type":"Person"},"assignable":'
                   '{"id":"urn:instructure:canvas:quiz:%s","type":"Assessment"},"count":%d,"dateCreated":%s}') % (
                self.w.gid(inst, s), self.w.gid(inst, s), user.id, self.w.gid(inst, q), 1 + int(r() * 3), et)
        elif k < 0.82:
            typ, action = "GradeEvent", "Graded"
            s = self.w.gid(inst, self.lid())
            a = self.w.gid(inst, self.lid())
            st = course.students[int(r() * 30)]
            url = "%s/api/v1/courses/%d/assignments/%s/submissions/%d" % (inst.base, course.local, a[-7:], st.local)
            obj = ('{"id":"urn:instructure:canvas:submission:%s","type":"Attempt","extensions":{"com.instructure.canvas":'
                   '{"grade":%s,"entity_id":"%s"}},"assignee":{"id":"urn:instructure:canvas:user:%s","type":"Person",'
                   '"extensions":{"com.instructure.canvas":{"sis_id":%s}}},"assignable":{"id":'
                   '"urn:instructure:canvas:assignment:%s","type":"AssignableDigitalResource"}}') % (
                s, self.pick(['"5"', '"A-"', '"17.31"', "null"]), s, st.id, J(st.sis), a)
            gen = ('{"id":"urn:instructure:canvas:submission:%s","type":"Score","attempt":{"id":'
                   '"urn:instructure:canvas:submission:%s","type":"Attempt"},"maxScore":%s,"scoreGiven":%s,'
                   '"scoredBy":"urn:instructure:canvas:user:%s"}') % (
                s, s, self.pick(["100.0", "10", "4.0", "20"]), self.pick(["17.31", "4.0", "100.0", "0"]), user.id)
            return self._wrap(typ, action, inst, user, course, obj, et, url, req, extra=',"generated":' + gen)
        elif k < 0.92:
            typ = "Event"
            action = "Created" if r() < 0.6 else "Modified"
            a = self.w.gid(inst, self.lid())
            date = '"dateCreated":%s' % et if action == "Created" else '"dateModified":%s' % et
            url = "%s/api/v1/courses/%d/assignments" % (inst.base, course.local)
            obj = ('{"id":"urn:instructure:canvas:assignment:%s","type":"AssignableDigitalResource","name":%s,"description":%s,'
                   '%s,"extensions":{"com.instructure.canvas":{"lock_at":%s,"entity_id":"%s"}},"maxScore":%s}') % (
                a, self.assign_names[int(r() * len(self.assign_names))], self.discussion[int(r() * len(self.discussion))],
                date, "null" if r() < 0.6 else self.ts(self.future(t), 0.1), a, self.pick(["100.0", "10", "4.0", "null"]))
        else:
            typ, action = "MessageEvent", "Posted"
            e = self.lid()
            topic = self.lid(1000, 900000)
            url = "%s/api/v1/courses/%d/discussion_topics/%d/entries" % (inst.base, course.local, topic)
            obj = ('{"id":"urn:instructure:canvas:discussionEntry:%d","type":"Message","extensions":{"com.instructure.canvas":'
                   '{"entity_id":"%d"}},"isPartOf":{"id":"urn:instructure:canvas:discussion:%d","type":"Thread"},"body":%s}') % (
                e, e, topic, self.discussion[int(r() * len(self.discussion))])
        return self._wrap(typ, action, inst, user, course, obj, et, url, req)

    def _wrap(self, typ, action, inst, user, course, obj, et, url, req, extra=""):
        r = self.r
        group = ""
        if r() < 0.85:
            group = (',"group":{"id":"urn:instructure:canvas:course:%s","type":"CourseOffering","extensions":'
                     '{"com.instructure.canvas":{"context_type":"Course","entity_id":"%s"}}},"membership":{"id":'
                     '"urn:instructure:canvas:course:%s:Learner:%s","type":"Membership","member":{"id":'
                     '"urn:instructure:canvas:user:%s","type":"Person"},"organization":{"id":"urn:instructure:canvas:course:%s",'
                     '"type":"CourseOffering"},"roles":["%s"]}') % (
                course.id, course.id, course.id, user.id, user.id, course.id,
                self.pick(["Learner", "Learner", "Learner", "Instructor", "Learner#TeachingAssistant"]))
        ref = ',"referrer":"%s/courses/%d"' % (inst.base, course.local) if r() < 0.7 else ',"referrer":null'
        return ('{"@context":"%s","id":"urn:uuid:%s","type":"%s","actor":%s,"action":"%s","object":%s,"eventTime":%s%s%s,'
                '"edApp":{"id":"http://%s/","type":"SoftwareApplication"}%s,"session":{"id":'
                '"urn:instructure:canvas:session:%s","type":"Session"},"extensions":{"com.instructure.canvas":{"hostname":%s,'
                '"request_id":"%s","user_agent":%s,"client_ip":%s,"request_url":"%s","version":"1.0.0"}}}') % (
            self.CTX, self.uuid4(), typ, self.actor(inst, user), action, obj, et, extra, ref, inst.host, group,
            user.sessions[int(r() * 3)], inst.host_j, req, user.ua_j[0], user.ip_j, url)

    def record(self):
        r = self.r
        w = self.w
        inst = w.inst_table[int(r() * 64)]
        user = inst.users[int(r() * len(inst.users))]
        course = inst.courses[int(r() * len(inst.courses))]
        self.t_ms += int(r() * 2 * self.mean_gap_ms)
        t = self.t_ms
        n = 1 if r() < 0.7 else (2 if r() < 0.7 else 3)
        evs = []
        for i in range(n):
            evs.append(self.caliper_event(inst, user, course, t + i * int(r() * 3000)))
        send = self.ts(t + n * 4000 + int(r() * 5000), 0.1)
        return '{"sensor":"http://%s/","sendTime":%s,"dataVersion":"%s","data":[%s]}\n' % (
            inst.host, send, self.CTX, ",".join(evs))


# --------------------------------------------------------------------------------------


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    g = ap.add_mutually_exclusive_group(required=True)
    g.add_argument("--size", type=parse_size, help="target size, e.g. 20M, 100M, 1G, 512MiB (output never exceeds it)")
    g.add_argument("--records", type=int, help="exact number of lines")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--caliper", action="store_true", help="Caliper 1.1 envelopes instead of Canvas Live Events")
    ap.add_argument("-o", "--output", default="-", help="output file (default stdout)")
    ap.add_argument("-q", "--quiet", action="store_true")
    a = ap.parse_args(argv)

    est = a.records if a.records is not None else max(1, a.size // (2900 if a.caliper else 1300))
    gen = (CaliperGen if a.caliper else CanvasGen)(a.seed, est)
    out = sys.stdout.buffer if a.output == "-" else open(a.output + ".tmp" if a.output != "-" else a.output, "wb")
    rec = gen.record
    t0 = time.time()
    written = 0
    lines = 0
    CH = 2000
    try:
        if a.records is not None:
            left = a.records
            while left > 0:
                n = min(CH, left)
                buf = "".join([rec() for _ in range(n)]).encode("utf-8")
                out.write(buf)
                written += len(buf)
                left -= n
            lines = a.records
        else:
            limit = a.size
            while written < limit:
                chunk = [rec() for _ in range(CH)]
                buf = "".join(chunk).encode("utf-8")
                if written + len(buf) > limit:
                    cut = buf.rfind(b"\n", 0, limit - written + 1)
                    buf = buf[:cut + 1] if cut >= 0 else b""
                    out.write(buf)
                    written += len(buf)
                    lines += buf.count(b"\n")
                    break
                out.write(buf)
                written += len(buf)
                lines += CH
        out.flush()
    except BrokenPipeError:
        return 0
    finally:
        if out is not sys.stdout.buffer:
            out.close()
    if a.output != "-":
        os.replace(a.output + ".tmp", a.output)
    dt = time.time() - t0
    if not a.quiet:
        sys.stderr.write("generate.py: %d records, %.1f MB in %.1fs (%.1f MB/s), avg %d B/record\n" % (
            lines, written / 1e6, dt, written / 1e6 / max(dt, 1e-9), written // max(lines, 1)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
