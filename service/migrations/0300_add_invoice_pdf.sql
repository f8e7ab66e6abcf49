-- Up Migration
-- The PDF link of an invoice beside its hosted page (both null until Stripe finalizes the invoice).
ALTER TABLE invoices ADD COLUMN invoice_pdf text;
