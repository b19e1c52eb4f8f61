{
    'name': 'Argentina - Thermal Invoice QR',
    'version': '18.0.1.0.0',
    'summary': 'AFIP QR code for thermal-printer invoices',
    'author': 'Blink',
    'license': 'LGPL-3',
    'category': 'Accounting/Localizations',
    'depends': ['l10n_ar', 'blink_invoice_layout'],
    'data': [
        'views/report_thermal_qr.xml',
    ],
    'installable': True,
    'application': False,
}
