"""Money: integer minor units with an ISO 4217 currency, never a float."""

from __future__ import annotations

from kit.schema_rules import publishes

# Active ISO 4217 codes (2024 list, funds and precious metals left out).
_CODES = """
    AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BTN BWP BYN BZD CAD CDF CHF
    CLP CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GNF GTQ GYD HKD HNL HTG
    HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA
    MKD MMK MNT MOP MRU MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD
    RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS UAH UGX
    USD UYU UZS VES VND VUV WST XAF XCD XOF XPF YER ZAR ZMW ZWG
"""
_CURRENCIES = frozenset(_CODES.split())


@publishes({"pattern": "^[A-Za-z]{3}$", "description": "an ISO 4217 currency code such as CNY, USD or EUR"})
def clean_currency(value: str) -> str:
    code = value.strip().upper()
    if code not in _CURRENCIES:
        raise ValueError(f"{value!r} is not an ISO 4217 currency code (for example CNY, USD or EUR)")
    return code


def clean_amount(value: int) -> int:
    if value < 0:
        raise ValueError("must not be negative")
    return value
