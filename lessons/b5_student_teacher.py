"""Series B: a teacher network, and six students that learn from its outputs alone.

The teacher (784-16-16-10 LeakyReLU, cross-entropy, per-sample SGD lr 0.03)
learns from the labels. Each student is a single 784-10 layer trained with MSE
to reproduce the teacher's output probabilities (never seeing a label), at six
learning rates from 0.001 to 0.3. Too high a rate ruins the student: the
series' accuracies fall from ~82% to 36.6% at 0.3. The series used 60,000
training images; we use the 10,000 shipped ones.
"""
import pictures

from .common import Result, mnist, output_dir, tensor, to_list

NAME = "b5-student-teacher"
TITLE = "Student-teacher: six 784-10 students at six learning rates (Serrão)"
REPORTED = "teacher 86.7%; students at lr 0.001..0.3: 82.0, 82.7, 82.6, 82.3, 69.4, 36.6%"
RATES = [0.001, 0.003, 0.01, 0.03, 0.1, 0.3]


def run(nn, quick=False, out=None):
    result = Result(NAME, REPORTED)
    x_train, y_train = mnist(nn, "train", limit=800 if quick else None)
    x_test, y_test = mnist(nn, "test", limit=300 if quick else None)
    teacher = nn.Sequential([nn.Dense(784, 16, init="he", seed=0), nn.LeakyReLU(0.1),
                             nn.Dense(16, 16, init="he", seed=1), nn.LeakyReLU(0.1),
                             nn.Dense(16, 10, seed=2)])
    teacher.fit(x_train, y_train, loss=nn.CrossEntropy(), optimizer=nn.SGD(0.03), epochs=1, batch_size=1,
                seed=0, progress=False)
    teacher_accuracy = teacher.evaluate(x_test, y_test)["accuracy"]
    soft_targets = tensor(nn, to_list(nn.Softmax().forward(teacher.predict(x_train))))
    accuracies = {}
    for lr in RATES:
        student = nn.Sequential([nn.Dense(784, 10, seed=3)])
        try:
            student.fit(x_train, soft_targets, loss=nn.MSE(), optimizer=nn.SGD(lr), epochs=1, batch_size=1,
                        seed=0, progress=False)
            accuracies[lr] = nn.accuracy(y_test, student.predict(x_test))
        except nn.TrainingError:                # the rate is so high that training diverged
            accuracies[lr] = float("nan")
    result.check("the teacher learns (> 55%)" if quick else "the teacher learns (> 85%)",
                 teacher_accuracy > (0.55 if quick else 0.85))
    best = max(a for a in accuracies.values() if a == a)
    if quick:
        result.check("a student learns from the teacher alone (> 40%)", best > 0.4)
    else:
        result.check("a good student gets within 15 points of the teacher", best > teacher_accuracy - 0.15)
    result.check("the largest rate is worse than the best", not accuracies[0.3] >= best)
    folder = output_dir(out, NAME)
    if folder:
        result.picture(pictures.bar_chart(f"{folder}/students.svg",
                                          {f"lr {lr}": acc for lr, acc in accuracies.items()},
                                          title=f"Students' test accuracy (teacher {teacher_accuracy:.1%})",
                                          y_label="accuracy"))
    students = ", ".join(f"{accuracies[lr]:.1%}" if accuracies[lr] == accuracies[lr] else "diverged"
                         for lr in RATES)
    return result.finish(f"teacher {teacher_accuracy:.1%}; students at lr 0.001..0.3: {students}")
