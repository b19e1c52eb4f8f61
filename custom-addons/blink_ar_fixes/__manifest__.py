{
    'name': 'Blink AR Fixes',
    'version': '18.0.1.0.0',
    'summary': 'Fixes for the Argentine localisation',
    'author': 'Blink',
    'license': 'LGPL-3',
    'category': 'Accounting/Localizations',
    'depends': ['account', 'l10n_ar'],
    'data': [
        'data/ir_config_parameter.xml',
    ],
    'installable': True,
    'application': False,
}
