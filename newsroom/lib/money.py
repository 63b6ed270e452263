"""Prices as readers in Britain write them: "£8.00", "£1,250.00".

One helper for every price the site shows (advertising options; plans can use it too). A
currency without a symbol here is written after the amount: "8.00 CHF".
"""

from decimal import Decimal

CURRENCY_SYMBOLS = {"GBP": "£", "EUR": "€", "USD": "$"}


def format_money(amount, currency="GBP"):
    if amount is None:
        return ""
    text = f"{Decimal(amount):,.2f}"
    code = (currency or "GBP").upper()
    symbol = CURRENCY_SYMBOLS.get(code)
    return f"{symbol}{text}" if symbol else f"{text} {code}"
