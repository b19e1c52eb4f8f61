/**
 * Odoo 18 Community modules an instance may enable without a custom addon.
 * Not exhaustive: the modules hosting shops commonly install, plus the
 * Argentine localisation this fleet serves. A missing one is reported with
 * a hint, so extend the list when a real module is refused.
 */
export const STANDARD_MODULES: ReadonlySet<string> = new Set([
  'account', 'account_check_printing', 'account_debit_note', 'account_edi', 'account_edi_ubl_cii', 'account_payment',
  'account_qr_code_sepa', 'analytic', 'auth_signup', 'auth_totp', 'barcodes', 'base', 'base_automation', 'base_import',
  'base_setup', 'base_vat', 'board', 'bus', 'calendar', 'contacts', 'crm', 'delivery', 'digest', 'documents',
  'event', 'fleet', 'gamification', 'google_calendar', 'hr', 'hr_attendance', 'hr_expense', 'hr_holidays',
  'hr_recruitment', 'hr_timesheet', 'html_editor', 'iap', 'im_livechat', 'l10n_ar', 'l10n_ar_pos', 'l10n_ar_stock',
  'l10n_ar_website_sale', 'l10n_latam_base', 'l10n_latam_check', 'l10n_latam_invoice_document', 'link_tracker',
  'loyalty', 'lunch', 'mail', 'maintenance', 'mass_mailing', 'membership', 'mrp', 'mrp_account', 'onboarding',
  'payment', 'phone_validation', 'point_of_sale', 'portal', 'pos_restaurant', 'product', 'project', 'purchase',
  'purchase_stock', 'rating', 'repair', 'resource', 'sale', 'sale_management', 'sale_stock', 'sales_team', 'sms',
  'snailmail', 'spreadsheet', 'spreadsheet_dashboard', 'stock', 'stock_account', 'survey', 'uom', 'utm', 'web',
  'web_editor', 'web_tour', 'website', 'website_blog', 'website_sale', 'website_slides',
]);
