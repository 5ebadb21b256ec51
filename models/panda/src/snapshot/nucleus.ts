// A nucleus (`NucleusSpec`, pandajedi/jedicore/NucleusSpec.py): a Tier-1-like ATLAS site whose storage collects a
// WORLD task's outputs (brokerage.md §1, §3, §5.1).

export interface NucleusSpec {
  name: string;
  /** Only `ACTIVE` nuclei are candidates of the task brokerage. */
  state: string;
  /** PQ names attached to the nucleus (`allPandaSites`). */
  allPandaSites: string[];
  /** Default output RSE (`get_default_endpoint_out`). */
  defaultEndpointOut?: string;
  /** Token (e.g. `ATLASDATADISK`) → RSE name, for output-dataset destinations. */
  endpointsByToken?: Record<string, string>;
  bareNucleus?: 'only' | 'allow';
  secondaryNucleus?: string;
}
