"""The recognizer set of our engine, built from ``AnalyzerSettings`` alone (workers rebuild it).

What runs, and why:

- our recognizers (one per ``*_recognizer.py`` file) for cue-introduced names, names that open
  or sign a message, the personal columns of pasted tables, phones, cards, SSNs, national IDs,
  IBANs, IP and MAC addresses, street addresses (also Chinese, Japanese, Korean and Cyrillic
  ones), dates of birth, ages, postcodes, API keys, secrets,
  user names, and passport, driving-licence and account numbers after their labels;
- Presidio's e-mail and crypto-wallet recognizers, which work well as they are, and its
  URL recognizer without matches inside identifiers (``BoundedUrlRecognizer``), which also tells
  personal URLs (profiles, personal pages: URL_PERSONAL) from a company's (URL);
- Presidio's UK_NHS, US_BANK_NUMBER, US_DRIVER_LICENSE, US_ITIN, US_PASSPORT, MEDICAL_LICENSE
  and UUID recognizers behind a context gate (they misfire on phone, order and ticket numbers,
  and a request id is not personal; with their context words near they still report);
- spaCy NER through ``NerRecognizer``, which filters the misfires of a small model.

Dropped: Presidio's own phone, card, SSN, IBAN, IP and MAC recognizers (replaced) and its
``DateRecognizer`` (DATE_TIME on order numbers; NER still reports dates).

``settings.entities`` limits the set to recognizers that can produce one of those types.
"""

from __future__ import annotations

from collections.abc import Callable

from presidio_analyzer import EntityRecognizer
from presidio_analyzer.predefined_recognizers import (
    MedicalLicenseRecognizer,
    NhsRecognizer,
    UsBankRecognizer,
    UsItinRecognizer,
    UsLicenseRecognizer,
    UsPassportRecognizer,
    UuidRecognizer,
)

from recognizers.custom import build_custom_recognizer
from recognizers.ner_recognizer import NER_ENTITIES, NerRecognizer
from recognizers.patterns.account_number_recognizer import AccountNumberRecognizer
from recognizers.patterns.addressed_name_recognizer import AddressedNameRecognizer
from recognizers.patterns.age_recognizer import AgeRecognizer
from recognizers.patterns.api_key_recognizer import ApiKeyRecognizer
from recognizers.patterns.cjk_address_recognizer import CjkAddressRecognizer
from recognizers.patterns.context_gated_recognizer import ContextGatedRecognizer
from recognizers.patterns.cyrillic_address_recognizer import CyrillicAddressRecognizer
from recognizers.patterns.date_of_birth_recognizer import DateOfBirthRecognizer
from recognizers.patterns.driver_license_recognizer import DriverLicenseRecognizer
from recognizers.patterns.iban_recognizer import IbanRecognizer
from recognizers.patterns.ip_address_recognizer import IpAddressRecognizer
from recognizers.patterns.mac_address_recognizer import MacAddressRecognizer
from recognizers.patterns.national_ids.de_tax_id_recognizer import DeTaxIdRecognizer
from recognizers.patterns.national_ids.es_nif_recognizer import EsNifRecognizer
from recognizers.patterns.national_ids.fr_nir_recognizer import FrNirRecognizer
from recognizers.patterns.national_ids.labeled_national_id_recognizer import (
    LabeledNationalIdRecognizer,
)
from recognizers.patterns.national_ids.nl_bsn_recognizer import NlBsnRecognizer
from recognizers.patterns.national_ids.uk_nino_recognizer import UkNinoRecognizer
from recognizers.patterns.national_ids.us_ssn_recognizer import UsSsnRecognizer
from recognizers.patterns.passport_recognizer import PassportRecognizer
from recognizers.patterns.payment_card_recognizer import PaymentCardRecognizer
from recognizers.patterns.person_cue_recognizer import PersonCueRecognizer
from recognizers.patterns.phone_number_recognizer import PhoneNumberRecognizer
from recognizers.patterns.postcode_recognizer import PostcodeRecognizer
from recognizers.patterns.secret_recognizer import SecretRecognizer
from recognizers.patterns.street_address_recognizer import StreetAddressRecognizer
from recognizers.patterns.table_column_recognizer import COLUMN_KEYS, TableColumnRecognizer
from recognizers.patterns.url_recognizer import BoundedUrlRecognizer
from recognizers.patterns.username_recognizer import UsernameRecognizer
from recognizers.prefilter import PrefilteredCryptoRecognizer, PrefilteredEmailRecognizer
from recognizers.settings import AnalyzerSettings

# Entity type (or types) -> factory(settings); one entry per recognizer, so the set can be
# filtered by type before anything is constructed.
_Factory = Callable[[AnalyzerSettings], EntityRecognizer]
_Types = str | tuple[str, ...]


def _gated(cls: Callable[..., EntityRecognizer], context: list[str] | None = None) -> _Factory:
    return lambda s: ContextGatedRecognizer(cls(supported_language=s.language), context)


RECOGNIZER_FACTORIES: tuple[tuple[_Types, _Factory], ...] = (
    ("PERSON", lambda s: PersonCueRecognizer(s.language)),
    (tuple(COLUMN_KEYS), lambda s: TableColumnRecognizer(s.language, entities=s.entities)),
    ("PERSON", lambda s: AddressedNameRecognizer(s.language)),
    ("PHONE_NUMBER", lambda s: PhoneNumberRecognizer(s.phone_regions, s.language)),
    ("CREDIT_CARD", lambda s: PaymentCardRecognizer(s.language)),
    ("US_SSN", lambda s: UsSsnRecognizer(s.language)),
    ("UK_NINO", lambda s: UkNinoRecognizer(s.language)),
    ("DE_TAX_ID", lambda s: DeTaxIdRecognizer(s.language)),
    ("FR_NIR", lambda s: FrNirRecognizer(s.language)),
    ("NL_BSN", lambda s: NlBsnRecognizer(s.language)),
    ("ES_NIF", lambda s: EsNifRecognizer(s.language)),
    ("IBAN_CODE", lambda s: IbanRecognizer(s.language)),
    ("IP_ADDRESS", lambda s: IpAddressRecognizer(s.language)),
    ("MAC_ADDRESS", lambda s: MacAddressRecognizer(s.language)),
    ("STREET_ADDRESS", lambda s: StreetAddressRecognizer(s.language)),
    ("STREET_ADDRESS", lambda s: CjkAddressRecognizer(s.language)),
    ("STREET_ADDRESS", lambda s: CyrillicAddressRecognizer(s.language)),
    ("DATE_OF_BIRTH", lambda s: DateOfBirthRecognizer(s.language)),
    ("AGE", lambda s: AgeRecognizer(s.language)),
    ("POSTCODE", lambda s: PostcodeRecognizer(s.language)),
    ("API_KEY", lambda s: ApiKeyRecognizer(s.language)),
    ("SECRET", lambda s: SecretRecognizer(s.language)),
    ("USERNAME", lambda s: UsernameRecognizer(s.language)),
    ("PASSPORT", lambda s: PassportRecognizer(s.language)),
    ("NATIONAL_ID", lambda s: LabeledNationalIdRecognizer(s.language)),
    ("DRIVER_LICENSE", lambda s: DriverLicenseRecognizer(s.language)),
    ("ACCOUNT_NUMBER", lambda s: AccountNumberRecognizer(s.language)),
    ("EMAIL_ADDRESS", lambda s: PrefilteredEmailRecognizer(supported_language=s.language)),
    # One recognizer for both: Presidio's URL pattern is the costly part, and runs once.
    (("URL", "URL_PERSONAL"), lambda s: BoundedUrlRecognizer(supported_language=s.language)),
    ("CRYPTO", lambda s: PrefilteredCryptoRecognizer(supported_language=s.language)),
    ("UUID", _gated(UuidRecognizer, ["uuid", "guid", "user", "customer", "account", "member",
                                      "patient", "subscriber", "person", "device", "profile"])),
    # Bare NHS, driver-licence and DEA numbers stay gated although Presidio reports some without
    # context: ten digits passing mod 11 (one in 11) are as often a Unix timestamp or an order
    # number, and letter+digits licences share their shape with ticket and order ids.
    ("UK_NHS", _gated(NhsRecognizer, ["nhs", "national health", "health service"])),
    ("US_BANK_NUMBER", _gated(UsBankRecognizer, ["account", "acct", "bank", "routing",
                                                  "checking", "savings", "a/c"])),
    ("US_DRIVER_LICENSE", _gated(UsLicenseRecognizer, ["driver", "driver's", "license",
                                                        "licence", "dl", "dl#", "driving"])),
    ("US_ITIN", _gated(UsItinRecognizer, ["itin", "taxpayer", "tax id", "tin"])),
    # "travel document": what a passport is called on forms (ICAO's term).
    ("US_PASSPORT", _gated(UsPassportRecognizer, ["passport", "passport#", "passport no",
                                                  "travel document"])),
    # "certificate": a DEA registration certificate's number (a case of Presidio's own tests).
    ("MEDICAL_LICENSE", _gated(MedicalLicenseRecognizer, ["dea", "medical license",
                                                          "medical licence", "npi",
                                                          "certificate"])),
)



def build_recognizers(settings: AnalyzerSettings) -> list[EntityRecognizer]:
    """The registry's recognizers for ``settings`` (NER included; custom ones are per request)."""
    wanted = set(settings.entities) if settings.entities is not None else None
    recognizers = [
        factory(settings)
        for types, factory in RECOGNIZER_FACTORIES
        if wanted is None or not wanted.isdisjoint((types,) if isinstance(types, str) else types)
    ]
    ner_entities = [e for e in NER_ENTITIES if wanted is None or e in wanted]
    if ner_entities or not recognizers:
        # An empty registry would make Presidio load its defaults; NER costs nothing extra here
        # (spaCy runs in the NLP engine either way).
        recognizers.append(
            NerRecognizer(
                supported_language=settings.language,
                supported_entities=ner_entities or list(NER_ENTITIES),
            )
        )
    return recognizers


def build_custom_recognizers(settings: AnalyzerSettings) -> dict[str, EntityRecognizer]:
    """Custom recognizers of ``settings`` by name, for requests to enable."""
    return {
        spec.name: build_custom_recognizer(spec, settings.language)
        for spec in settings.custom_recognizers
    }
