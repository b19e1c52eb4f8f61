{
    'name': 'Blink Invoice Layout',
    'version': '18.0.1.0.0',
    'summary': 'Professional invoice layout for Argentina',
    'author': 'Blink',
    'license': 'LGPL-3',
    'category': 'Accounting/Localizations',
    'depends': ['account', 'web'],
    'data': [
        'views/report_invoice.xml',
    ],
    'installable': True,
    'application': False,
}
