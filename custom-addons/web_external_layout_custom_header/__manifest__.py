{
    'name': 'External Layout Custom Header',
    'version': '18.0.1.0.0',
    'summary': 'Customisable header for external report layouts',
    'author': 'Blink',
    'license': 'LGPL-3',
    'category': 'Accounting/Localizations',
    'depends': ['web'],
    'data': [
        'views/external_layout.xml',
    ],
    'installable': True,
    'application': False,
}
