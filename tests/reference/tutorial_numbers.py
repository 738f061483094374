"""The tutorial's published numbers, for tests of the oracle and of the framework.

Transcribed by hand from /work/shared/TUTORIAL.md ("Numbers the project must reproduce",
items 1-6, and the contrived dataset). These are the independent reason for every expected
value that imports them: never regenerate them from code. Weights are listed per neuron,
inputs' weights first and bias last, as the tutorial stores them. All items start from
Python's ``random.seed(SEED)``.
"""

SEED = 1

# Item 1: initialize_network(2, 1, 2) right after random.seed(1).
INIT_SHAPE = (2, 1, 2)  # n_inputs, n_hidden, n_outputs
INIT_HIDDEN = [[0.13436424411240122, 0.8474337369372327, 0.763774618976614]]
INIT_OUTPUT = [[0.2550690257394217, 0.49543508709194095],
               [0.4494910647887381, 0.651592972722763]]

# Item 2: forward pass of the item-1 network on this row.
FORWARD_ROW = [1, 0]
FORWARD_OUTPUTS = [0.6629970129852887, 0.7253160725279748]

# Item 3: backward pass of the item-1 network with these stored outputs and expected values.
BACKWARD_HIDDEN_OUTPUTS = [0.7105668883115941]
BACKWARD_OUTPUT_OUTPUTS = [0.6213859615555266, 0.6573693455986976]
BACKWARD_EXPECTED = [0, 1]
BACKWARD_HIDDEN_DELTAS = [-0.0005348048046610517]
BACKWARD_OUTPUT_DELTAS = [-0.14619064683582808, 0.0771723774346327]

# The contrived two-feature dataset (x1, x2, class): five class-0 rows, then five class-1 rows.
CONTRIVED_DATASET = [
    [2.7810836, 2.550537003, 0],
    [1.465489372, 2.362125076, 0],
    [3.396561688, 4.400293529, 0],
    [1.38807019, 1.850220317, 0],
    [3.06407232, 3.005305973, 0],
    [7.627531214, 2.759262235, 1],
    [5.332441248, 2.088626775, 1],
    [6.922596716, 1.77106367, 1],
    [8.675418651, -0.242068655, 1],
    [7.673756466, 3.508563011, 1],
]

# Item 4: train on CONTRIVED_DATASET after seed(1), 2 hidden neurons, l_rate 0.5, 20 epochs.
TRAIN_N_HIDDEN = 2
TRAIN_L_RATE = 0.5
TRAIN_N_EPOCH = 20
TRAIN_N_OUTPUTS = 2
TRAIN_SUM_ERROR_3DP = (
    "6.350 5.531 5.221 4.951 4.519 4.173 3.835 3.506 3.192 2.898 "
    "2.626 2.377 2.153 1.953 1.774 1.614 1.472 1.346 1.233 1.132"
).split()
TRAIN_FINAL_HIDDEN = [[-1.4688375095432327, 1.850887325439514, 1.0858178629550297],
                      [0.37711098142462157, -0.0625909894552989, 0.2765123702642716]]
TRAIN_FINAL_OUTPUT = [[2.515394649397849, -0.3391927502445985, -0.9671565426390275],
                      [-2.5584149848484263, 1.0036422106209202, 0.42383086467582715]]

# Item 5: the tutorial's hardcoded trained network; it predicts all ten contrived rows.
PREDICT_HIDDEN = [[-1.482313569067226, 1.8308790073202204, 1.078381922048799],
                  [0.23244990332399884, 0.3621998343835864, 0.40289821191094327]]
PREDICT_OUTPUT = [[2.5001872433501404, 0.7887233511355132, -1.1026649757805829],
                  [-2.429350576245497, 0.8357651039198697, 1.0699217181280656]]
PREDICT_N_CORRECT = 10

# Item 6: wheat seeds case study (classes 1/2/3 -> 0/1/2), seed(1), min-max normalised,
# 5 folds, fresh initialize_network(7, 5, 3) per fold, l_rate 0.3, 500 epochs.
SEEDS_N_FOLDS = 5
SEEDS_L_RATE = 0.3
SEEDS_N_EPOCH = 500
SEEDS_N_HIDDEN = 5
SEEDS_SCORES = [90.47619047619048, 92.85714285714286, 97.61904761904762,
                92.85714285714286, 92.85714285714286]
SEEDS_MEAN_3DP = "93.333"
