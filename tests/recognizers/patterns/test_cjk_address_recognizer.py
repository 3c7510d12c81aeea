"""CjkAddressRecognizer: Chinese, Japanese and Korean street addresses."""

from __future__ import annotations

import pytest

from recognizers.patterns.cjk_address_recognizer import CjkAddressRecognizer


def _found(text: str) -> list[str]:
    return [text[r.start:r.end] for r in CjkAddressRecognizer().analyze(text, ["STREET_ADDRESS"])]


@pytest.mark.parametrize(("text", "address"), [
    ("收件地址：北京市朝阳区建国路88号SOHO现代城A座1203室，电话见下", "北京市朝阳区建国路88号SOHO现代城A座1203室"),
    ("浙江省杭州市西湖区文三路 90 号 3 幢 502 室", "浙江省杭州市西湖区文三路 90 号 3 幢 502 室"),
    ("お届け先：〒604-8005 京都府京都市中京区河原町通三条上る恵比須町427",
     "〒604-8005 京都府京都市中京区河原町通三条上る恵比須町427"),
    ("新住所：〒530-0001 大阪府大阪市北区梅田1-2-3 梅田ビル5階 です",
     "〒530-0001 大阪府大阪市北区梅田1-2-3 梅田ビル5階"),
    ("東京都新宿区西新宿2-8-1にお越しください", "東京都新宿区西新宿2-8-1"),
    ("住所変更：〒530-0001 大阪府大阪市北区梅田2-5-8 梅田グランドハイツ1107。",
     "〒530-0001 大阪府大阪市北区梅田2-5-8 梅田グランドハイツ1107"),
    ("배송지: 서울특별시 강남구 테헤란로 152, 12층 으로 보내주세요", "서울특별시 강남구 테헤란로 152, 12층"),
    ("경기도 성남시 분당구 판교역로 235", "경기도 성남시 분당구 판교역로 235"),
])
def test_addresses_in_each_countrys_order(text: str, address: str) -> None:
    assert _found(text) == [address]


@pytest.mark.parametrize("text", [
    "2024年5月20日 会议在3号会议室举行",   # a room number, no road
    "第3号",
    "今日は1日です",
    "서울 날씨가 좋네요 2024",              # a city name alone
])
def test_what_is_no_address(text: str) -> None:
    assert _found(text) == []
