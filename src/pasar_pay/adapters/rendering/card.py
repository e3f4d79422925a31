"""A printable QRIS card (HTML, A6) in the ASPI sticker layout: QRIS mark, merchant name,
NMID and terminal label above the code, "SATU QRIS UNTUK SEMUA" under it, acquirer and print
version in the footer. Dynamic codes also show the amount and the expiry (WIB)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from html import escape
from zoneinfo import ZoneInfo

from pasar_pay.domain.money import format_rupiah

JAKARTA = ZoneInfo("Asia/Jakarta")
PRINT_VERSION = "pasar_pay card v1"

_CSS = """
@page { size: A6; margin: 6mm; }
body { font-family: Arial, Helvetica, sans-serif; margin: 0; background: #fff; color: #000; }
.card { width: 93mm; margin: 0 auto; border: 1px solid #000; border-radius: 3mm;
  padding: 4mm; text-align: center; }
.marks { display: flex; justify-content: space-between; font-weight: 700; font-size: 14pt; }
.qris { letter-spacing: 1px; }
.gpn { border: 1px solid #000; padding: 0 2mm; font-size: 9pt; }
.name { font-size: 15pt; font-weight: 700; margin-top: 3mm; }
.nmid, .terminal { font-size: 10pt; }
.qr svg { width: 62mm; height: 62mm; display: block; margin: 3mm auto; }
.amount { font-size: 16pt; font-weight: 700; }
.expiry { font-size: 9pt; }
.slogan { font-weight: 700; font-size: 12pt; margin-top: 2mm; }
.footer { display: flex; justify-content: space-between; font-size: 7pt; margin-top: 3mm; }
.fictitious { background: #000; color: #fff; font-weight: 700; padding: 1mm; margin: 2mm 0; }
"""


@dataclass(frozen=True, slots=True)
class CardData:
    merchant_name: str
    nmid: str
    terminal_label: str | None
    svg: str  # inline <svg> of the code
    acquirer: str
    fictitious: bool
    amount: int | None = None
    expires_at: datetime | None = None
    title: str = "QRIS"


def card_html(card: CardData) -> str:
    parts = [
        '<div class="marks"><span class="qris">QRIS</span><span class="gpn">GPN</span></div>',
    ]
    if card.fictitious:
        parts.append(
            '<div class="fictitious">CONTOH / FICTITIOUS: JANGAN DIBAYAR (DO NOT PAY)</div>'
        )
    parts += [
        f'<div class="name">{escape(card.merchant_name)}</div>',
        f'<div class="nmid">NMID: {escape(card.nmid)}</div>',
    ]
    if card.terminal_label:
        parts.append(f'<div class="terminal">{escape(card.terminal_label)}</div>')
    parts.append(f'<div class="qr">{card.svg}</div>')
    if card.amount is not None:
        parts.append(f'<div class="amount">{escape(format_rupiah(card.amount))}</div>')
    if card.expires_at is not None:
        local = card.expires_at.astimezone(JAKARTA)
        parts.append(f'<div class="expiry">Berlaku sampai {local:%d-%m-%Y %H:%M} WIB</div>')
    parts += [
        '<div class="slogan">SATU QRIS UNTUK SEMUA</div>',
        '<div class="slogan-sub">Cek aplikasi penyelenggara di: www.aspi-qris.id</div>',
        f'<div class="footer"><span>{escape(card.acquirer)}</span>'
        f"<span>{escape(PRINT_VERSION)}</span></div>",
    ]
    body = "\n".join(parts)
    return (
        '<!doctype html>\n<html lang="id"><head><meta charset="utf-8">'
        f"<title>{escape(card.title)}</title><style>{_CSS}</style></head>"
        f'<body><div class="card">\n{body}\n</div></body></html>\n'
    )
