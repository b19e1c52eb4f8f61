# Part of Odoo by Blink. See LICENSE file for full copyright and licensing details.
