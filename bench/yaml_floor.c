/* yaml_floor: the floor under `lineup check` of a big file.
 *
 *   yaml_floor FILE
 *
 * Reads FILE and runs libyaml's parser over it, deleting every event as it
 * comes: no tree, no decode, no validation. lineup parses with the same
 * libyaml (linked statically, as here), so this is the part of a `check`
 * that no change to lineup's own code can remove. bench/config_load.sh
 * runs it beside lineup in the same batch.
 */
#include <stdio.h>
#include <stdlib.h>
#include <yaml.h>

int main(int argc, char** argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: yaml_floor FILE\n");
    return 2;
  }
  FILE* f = fopen(argv[1], "rb");
  if (!f) {
    perror(argv[1]);
    return 1;
  }
  fseek(f, 0, SEEK_END);
  long size = ftell(f);
  fseek(f, 0, SEEK_SET);
  unsigned char* text = malloc((size_t)size + 1);
  if (!text || fread(text, 1, (size_t)size, f) != (size_t)size) {
    perror("read");
    return 1;
  }
  fclose(f);
  yaml_parser_t parser;
  yaml_parser_initialize(&parser);
  yaml_parser_set_input_string(&parser, text, (size_t)size);
  long events = 0;
  for (int done = 0; !done; ++events) {
    yaml_event_t ev;
    if (!yaml_parser_parse(&parser, &ev)) {
      fprintf(stderr, "yaml error: %s\n", parser.problem ? parser.problem : "?");
      return 1;
    }
    done = ev.type == YAML_STREAM_END_EVENT;
    yaml_event_delete(&ev);
  }
  yaml_parser_delete(&parser);
  free(text);
  printf("%ld events\n", events);
  return 0;
}
