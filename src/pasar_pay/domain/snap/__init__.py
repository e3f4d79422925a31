"""SNAP (Bank Indonesia national payment API) protocol core: pure, standard library only.

Modules: `minify` and `signature` (what is signed and how), `timestamps` (X-TIMESTAMP window,
Jakarta day), `codes` (responseCode), `amounts` ("215670.00" <-> int rupiah), `virtual_account`
(VA numbers), `messages` (typed VA inquiry/payment and QR notify bodies, response builders).
RSA signing lives in `pasar_pay.adapters.banks.snap_rsa` because it needs `cryptography`.
"""
