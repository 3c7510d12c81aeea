"""Street addresses written in Chinese, Japanese and Korean, the way each country writes them:
from the largest unit to the smallest, with no spaces (Chinese, Japanese) or spaces between the
units (Korean).

- Chinese: province, city, district, then a road and its number with 号, and optionally the
  building, unit and room (``上海市浦东新区世纪大道1200号``, ``北京市朝阳区建国路88号SOHO现代城A座1203室``).
- Japanese: an optional postcode (``〒604-8005``), a prefecture (都道府県) or the postcode, then
  the city, ward or town and the block numbers (``京都府京都市中京区河原町通三条上る恵比須町427``,
  ``〒530-0001 大阪府大阪市北区梅田1-2-3 梅田ビル5階``).
- Korean: a province or metropolitan city, one or two districts, a road (로, 길) or a
  neighbourhood (동) and its number, optionally floor and flat (``서울특별시 강남구 테헤란로 152``,
  ``경기도 성남시 분당구 판교역로 235, 3층``).

The small English NER model has never seen these scripts' addresses, and they have the
structure patterns read well: the unit words (省 市 区 路 号, 都 府 県 丁目 番地, 시 구 로 길) mark
each part.
"""

from __future__ import annotations

from typing import ClassVar

import regex

from recognizers.base import RegexRecognizer
from recognizers.prefilter import Gate

_HAN = r"\p{Han}"
_KANA = r"\p{Han}\p{Hiragana}\p{Katakana}ー"
_ZH = (
    rf"(?:{_HAN}{{1,6}}(?:省|自治区|市|区|县|縣|州|镇|鎮|乡|旗)\s?)*"
    rf"{_HAN}{{1,8}}(?:路|街|道|大道|巷|胡同|弄|里)\s?[0-9]{{1,5}}\s?[号號]"
    # building, unit, room: "SOHO现代城A座1203室", "3 幢 502 室"
    rf"(?:\s?[{_HAN}A-Za-z0-9\-]{{0,12}}?\s?(?:栋|棟|幢|座|楼|樓|单元|單元|室|层|層))*"
)
_JP = (
    rf"(?:〒\s?[0-9]{{3}}-?[0-9]{{4}}\s*(?:{_HAN}{{1,3}}[都道府県])?|{_HAN}{{1,3}}[都道府県])"
    rf"[{_KANA}]{{1,24}}?[0-9]{{1,4}}(?:(?:丁目|番地|番|号|-)[0-9]{{1,4}})*(?:号)?"
    # a building and its floor or room: "梅田ビル5階", "コーポ山田 203号室", "グランドハイツ1107"
    rf"(?:\s?[{_KANA}A-Za-z]{{1,20}}\s?[0-9]{{1,4}}(?:階|号室|F|号)?)?"
)
_KO = (
    r"\p{Hangul}{1,8}(?:특별시|광역시|특별자치시|특별자치도|도|시)\s+"
    r"(?:\p{Hangul}{1,8}(?:시|군|구)\s+){1,2}"
    r"(?:\p{Hangul}{1,8}(?:읍|면)\s+)?"
    r"[\p{Hangul}0-9]{1,12}(?:로|길|동|리)\s?[0-9]{1,5}(?:-[0-9]{1,4})?"
    r"(?:\s*,?\s*[0-9]{1,4}\s?(?:층|호|동))*"
)


class CjkAddressRecognizer(RegexRecognizer):
    """Chinese, Japanese and Korean street addresses (see the module docstring)."""

    ENTITY = "STREET_ADDRESS"
    PATTERNS = (
        ("zh", _ZH, 0.7),
        ("jp", _JP, 0.7),
        ("ko", _KO, 0.7),
    )
    MIN_DIGITS = 1
    # Every address holds a Han or Hangul unit word.
    GATE = r"[\p{Han}\p{Hangul}]"
    PATTERN_GATES: ClassVar[dict[str, Gate]] = {
        "zh": regex.compile(r"[号號]"),
        "jp": regex.compile(r"[〒都道府県]"),
        "ko": regex.compile(r"[로길동리]"),
    }
