/** The API's version, shown in the OpenAPI document. */
export const apiVersion = '0.1.0';
