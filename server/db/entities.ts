import { EntitySchema } from 'typeorm';

/**
 * TypeORM entity schemas follow the SQL in migrations/ (synchronize stays off). Every column has
 * an explicit type: tsx emits no decorator metadata, and schemas keep the entities plain objects.
 */

export interface LegalFieldRow {
  id: number;
  slug: string;
  name: string;
  description: string;
  displayOrder: number;
  createdAt: Date;
  updatedAt: Date;
}

export const LegalFieldEntity = new EntitySchema<LegalFieldRow>({
  name: 'LegalField',
  tableName: 'legal_fields',
  columns: {
    id: { type: 'integer', primary: true, generated: 'increment' },
    slug: { type: 'text' },
    name: { type: 'text' },
    description: { type: 'text' },
    displayOrder: { type: 'integer', name: 'display_order' },
    createdAt: { type: 'timestamptz', name: 'created_at', createDate: true },
    updatedAt: { type: 'timestamptz', name: 'updated_at', updateDate: true },
  },
});

export type DocumentStatus = 'in_force' | 'amended' | 'repealed';

export interface LegalDocumentRow {
  id: string;
  number: string;
  title: string;
  docType: string;
  issuer: string;
  issuedDate: string | null;
  effectiveDate: string | null;
  status: DocumentStatus;
  replacedById: string | null;
  amendedBy: string[];
  createdAt: Date;
  updatedAt: Date;
}

export const LegalDocumentEntity = new EntitySchema<LegalDocumentRow>({
  name: 'LegalDocument',
  tableName: 'legal_documents',
  columns: {
    id: { type: 'uuid', primary: true, generated: 'uuid' },
    number: { type: 'text' },
    title: { type: 'text' },
    docType: { type: 'text', name: 'doc_type' },
    issuer: { type: 'text' },
    issuedDate: { type: 'date', name: 'issued_date', nullable: true },
    effectiveDate: { type: 'date', name: 'effective_date', nullable: true },
    status: { type: 'text' },
    replacedById: { type: 'uuid', name: 'replaced_by_id', nullable: true },
    amendedBy: { type: 'text', array: true, name: 'amended_by' },
    createdAt: { type: 'timestamptz', name: 'created_at', createDate: true },
    updatedAt: { type: 'timestamptz', name: 'updated_at', updateDate: true },
  },
});

export const entities = [LegalFieldEntity, LegalDocumentEntity];
